//! `smileid services`, `smileid valid-documents` and `smileid
//! products-config`: Smile ID's catalogue, as readable tables, or as
//! received with `--json`.

use std::collections::BTreeMap;

use smileid_hyper::types::ServicesResponse;
use smileid_hyper::{Operation, ProductsConfigQuery, ServicesQuery, ValidDocumentsQuery, Verified};

use crate::args::{ProductsConfigArgs, ReadArgs, ServicesArgs, ValidDocumentsArgs};
use crate::exit::{self, Failure};
use crate::render::table;

use super::job_status::pretty_json;

/// What a demo emulator's catalogue holds.
const HINT: &str = "its catalogue covers Nigeria, Kenya, Ghana, South Africa and Uganda";

/// Sends `op` (a discovery read) and, with `--json`, prints the response as
/// received and returns `None`; otherwise returns the typed answer for a
/// table.
async fn read<O, T>(args: &ReadArgs, op: &O) -> Result<Option<Verified<T>>, Failure>
where
    O: Operation<Output = Verified<T>>,
{
    let (client, _emulator) = super::read_client(args, HINT).await?;
    let answer = client
        .send(op)
        .await
        .map_err(|e| exit::from_client_error(&e))?;
    if args.json {
        super::print(&pretty_json(answer.raw_json())?);
        return Ok(None);
    }
    Ok(Some(answer))
}

fn upper(country: Option<&String>) -> Option<String> {
    country.map(|c| c.trim().to_ascii_uppercase())
}

/// Runs `services`.
///
/// # Errors
///
/// A [`Failure`] with the exit code of the error; exit 2 when the filters
/// match nothing.
pub async fn services(args: &ServicesArgs) -> Result<(), Failure> {
    let mut query = ServicesQuery::new();
    if let Some(locale) = &args.locale {
        query = query.with_locale(locale.clone());
    }
    let Some(answer) = read(&args.read, &query).await? else {
        return Ok(());
    };
    let text = services_tables(
        answer.response(),
        upper(args.country.as_ref()).as_deref(),
        args.product.as_deref(),
    )?;
    super::print(&text);
    Ok(())
}

/// The ID types (country, ID type, label, required fields), then the bank
/// codes when Nigeria is shown.
fn services_tables(
    services: &ServicesResponse,
    country: Option<&str>,
    product: Option<&str>,
) -> Result<String, Failure> {
    let wanted = |cc: &str| country.is_none_or(|c| c == cc);
    // Labels from any hosted-web product that names the type.
    let mut labels: BTreeMap<(&str, &str), &str> = BTreeMap::new();
    for countries in services.hosted_web.values() {
        for (cc, hosted) in countries {
            for (id_type, entry) in &hosted.id_types {
                labels
                    .entry((cc.as_str(), id_type.as_str()))
                    .or_insert(entry.label.as_str());
            }
        }
    }
    let mut rows = Vec::new();
    if let Some(product) = product {
        let Some(countries) = services.hosted_web.get(product) else {
            let known: Vec<&str> = services.hosted_web.keys().map(String::as_str).collect();
            return Err(Failure::usage(format!(
                "the catalogue has no hosted-web product `{product}` (it has: {})",
                known.join(", ")
            )));
        };
        for (cc, hosted) in countries.iter().filter(|(cc, _)| wanted(cc)) {
            for (id_type, entry) in &hosted.id_types {
                rows.push(vec![
                    cc.clone(),
                    id_type.clone(),
                    entry.label.clone(),
                    entry.required_fields.join(", "),
                ]);
            }
        }
    } else {
        for (cc, types) in services.id_types.iter().filter(|(cc, _)| wanted(cc)) {
            for (id_type, fields) in types {
                let label = labels
                    .get(&(cc.as_str(), id_type.as_str()))
                    .copied()
                    .unwrap_or("");
                rows.push(vec![
                    cc.clone(),
                    id_type.clone(),
                    label.to_owned(),
                    fields.join(", "),
                ]);
            }
        }
    }
    if rows.is_empty() {
        return Err(Failure::usage(match (country, product) {
            (Some(cc), Some(p)) => format!("the catalogue lists no ID type for {cc} in {p}"),
            (Some(cc), None) => format!("the catalogue lists no ID type for {cc}"),
            _ => "the catalogue lists no ID type".to_owned(),
        }));
    }
    let mut out = table(&["COUNTRY", "ID TYPE", "LABEL", "REQUIRED FIELDS"], &rows);
    if wanted("NG") && !services.bank_codes.is_empty() {
        let banks: Vec<Vec<String>> = services
            .bank_codes
            .iter()
            .map(|b| vec![b.code.clone(), b.name.clone()])
            .collect();
        out.push_str("\nBank codes (--bank-code, for NG BANK_ACCOUNT):\n");
        out.push_str(&table(&["CODE", "BANK"], &banks));
    }
    Ok(out)
}

/// Runs `valid-documents`.
///
/// # Errors
///
/// A [`Failure`] with the exit code of the error; exit 2 when the country
/// matches nothing.
pub async fn valid_documents(args: &ValidDocumentsArgs) -> Result<(), Failure> {
    let Some(answer) = read(&args.read, &ValidDocumentsQuery).await? else {
        return Ok(());
    };
    let country = upper(args.country.as_ref());
    let mut rows = Vec::new();
    for entry in &answer.response().valid_documents {
        if country
            .as_deref()
            .is_some_and(|c| !entry.country.code.eq_ignore_ascii_case(c))
        {
            continue;
        }
        for document in &entry.id_types {
            rows.push(vec![
                entry.country.code.clone(),
                document.code.clone(),
                document.name.clone(),
                if document.has_back { "yes" } else { "no" }.to_owned(),
            ]);
        }
    }
    if rows.is_empty() {
        return Err(Failure::usage(match country {
            Some(cc) => format!("no valid documents are listed for {cc}"),
            None => "no valid documents are listed".to_owned(),
        }));
    }
    super::print(&table(&["COUNTRY", "ID TYPE", "NAME", "HAS BACK"], &rows));
    Ok(())
}

/// Runs `products-config`.
///
/// # Errors
///
/// A [`Failure`] with the exit code of the error.
pub async fn products_config(args: &ProductsConfigArgs) -> Result<(), Failure> {
    let Some(answer) = read(&args.read, &ProductsConfigQuery).await? else {
        return Ok(());
    };
    let config = answer.response();
    let mut rows = Vec::new();
    for (product, countries) in &config.id_selection {
        for (cc, types) in countries {
            rows.push(vec![product.clone(), cc.clone(), types.join(", ")]);
        }
    }
    let mut out = format!(
        "Enterprise id: {}\n\n",
        crate::style::clean(&config.enterprise_id)
    );
    out.push_str(&table(&["PRODUCT", "COUNTRY", "ID TYPES"], &rows));
    if !config.consent_required.is_empty() {
        let consent: Vec<Vec<String>> = config
            .consent_required
            .iter()
            .map(|(cc, types)| vec![cc.clone(), types.join(", ")])
            .collect();
        out.push_str("\nConsent required (verify-id --consent):\n");
        out.push_str(&table(&["COUNTRY", "ID TYPES"], &consent));
    }
    super::print(&out);
    Ok(())
}
