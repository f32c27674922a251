//! Human-readable output of job statuses and callbacks.
//!
//! Every function returns text that may hold ANSI colour codes; write it
//! through an [`anstream`] stream, which strips them when colour is off.
//! Text that came from a server is passed through [`style::clean`].

use std::fmt::Write as _;

use serde_json::Value;
use smileid_hyper::JobStatus;
use smileid_hyper::types::{
    JobResult, JobStatusResponse, Outcome, PartnerParams, Scalar, VerdictStatus,
};

use crate::style::{self, paint};

/// The outcome in capitals, as the headline shows it.
pub fn outcome_word(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Pending => "PENDING".to_owned(),
        Outcome::Approved => "APPROVED".to_owned(),
        Outcome::Provisional => "PROVISIONAL".to_owned(),
        Outcome::Rejected => "REJECTED".to_owned(),
        Outcome::Error => "ERROR".to_owned(),
        other => other.to_string().to_uppercase(),
    }
}

/// What an outcome means, in a few words.
pub fn outcome_meaning(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Pending => "no final result yet",
        Outcome::Approved => "every action passed",
        Outcome::Provisional => "human review pending or inconclusive; act per your business rule",
        Outcome::Rejected => "an action failed",
        Outcome::Error => "the job could not be processed",
        _ => "a result code this version does not know",
    }
}

/// Rows of `label  value`, with the labels padded to one width.
struct Rows {
    rows: Vec<(String, String)>,
}

impl Rows {
    fn new() -> Self {
        Self { rows: Vec::new() }
    }

    /// A row whose value is already styled (and cleaned).
    fn styled(&mut self, label: impl Into<String>, value: String) {
        self.rows.push((label.into(), value));
    }

    /// A row with a plain value from the server.
    fn plain(&mut self, label: impl Into<String>, value: &str) {
        self.rows
            .push((label.into(), style::clean(value).into_owned()));
    }

    fn write(self, out: &mut String, indent: &str) {
        let width = self
            .rows
            .iter()
            .map(|(l, _)| l.chars().count())
            .max()
            .unwrap_or(0);
        for (label, value) in self.rows {
            let pad = width - label.chars().count();
            let _ = writeln!(
                out,
                "{indent}{}{}  {value}",
                paint(style::DIM, &label),
                " ".repeat(pad)
            );
        }
    }
}

fn yes_no(value: bool) -> &'static str {
    if value { "yes" } else { "no" }
}

/// A JSON value on one line, clipped to `max` characters.
fn compact(value: &Value, max: usize) -> String {
    let text = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    clip(&text, max)
}

fn clip(text: &str, max: usize) -> String {
    match smileid_hyper::sign::truncate_chars(text, max) {
        (kept, true) => format!("{kept}…"),
        (all, false) => all.to_owned(),
    }
}

/// `0810 Enroll User (approved)`: the code, its text and its category.
fn result_line(result: &JobResult) -> String {
    let mut line = String::new();
    match result.result_code() {
        Some(code) => {
            line.push_str(&style::clean(code.as_str()));
            let text = result
                .result_text_trimmed()
                .filter(|t| !t.is_empty())
                .or(code.description());
            if let Some(text) = text {
                line.push(' ');
                line.push_str(&style::clean(text));
            }
            let category = code.category();
            let _ = write!(
                line,
                " ({})",
                paint(style::category(category), &category.to_string())
            );
            if let (Some(description), Some(text)) =
                (code.description(), result.result_text_trimmed())
                && !text.is_empty()
                && !description.eq_ignore_ascii_case(text)
            {
                let _ = write!(line, " {}", paint(style::DIM, &format!("[{description}]")));
            }
        }
        None => {
            line.push_str("no result code");
            if let Some(text) = result.result_text_trimmed() {
                line.push_str(": ");
                line.push_str(&style::clean(text));
            }
        }
    }
    line
}

/// The actions whose verdict has `status`, grouped by verdict as
/// `Name, Name (Verdict), Name (Other verdict)` in the verdict's colour;
/// `None` when there are none.
fn actions_with(result: &JobResult, status: VerdictStatus) -> Option<String> {
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    for (name, verdict) in result.actions()?.iter() {
        if verdict.status() != status {
            continue;
        }
        match groups
            .iter_mut()
            .find(|(text, _)| *text == verdict.as_str())
        {
            Some((_, names)) => names.push(name),
            None => groups.push((verdict.as_str(), vec![name])),
        }
    }
    let listed: Vec<String> = groups
        .iter()
        .map(|(verdict, names)| {
            paint(
                style::verdict(status),
                &format!("{} ({verdict})", names.join(", ")),
            )
        })
        .collect();
    (!listed.is_empty()).then(|| listed.join(", "))
}

/// What a reader needs first: the result code, and which actions failed or
/// wait for a person.
fn result_head_rows(rows: &mut Rows, result: &JobResult) {
    rows.styled("result", result_line(result));
    if let Some(failed) = actions_with(result, VerdictStatus::Failed) {
        rows.styled("failed actions", failed);
    }
    if let Some(pending) = actions_with(result, VerdictStatus::Pending) {
        rows.styled("under review", pending);
    }
}

/// The other fields of a result object.
fn result_detail_rows(rows: &mut Rows, result: &JobResult) {
    if let Some(id) = result.smile_job_id() {
        rows.plain("Smile ID job id", id);
    }
    if let Some(job_type) = result.job_type() {
        rows.plain("job type", &job_type.to_string());
    } else if let Some(raw) = result.partner_params().and_then(|p| p.job_type.as_ref()) {
        rows.plain("job type", raw.as_str());
    }
    let scalars: [(&str, Option<&Scalar>); 12] = [
        ("result type", result.result_type.as_ref()),
        ("confidence", result.confidence_value.as_ref()),
        ("final result", result.is_final_result.as_ref()),
        ("machine result", result.is_machine_result.as_ref()),
        ("country", result.country.as_ref()),
        ("ID type", result.id_type.as_ref()),
        ("ID number", result.id_number.as_ref()),
        ("full name", result.full_name.as_ref()),
        ("date of birth", result.dob.as_ref()),
        ("gender", result.gender.as_ref()),
        ("expiration date", result.expiration_date.as_ref()),
        ("source", result.source.as_ref()),
    ];
    // Smile ID's "Not Available" and the like stand for no value: they are
    // not shown as a name or a date (a country "NA" is Namibia, so only the
    // personal fields are filtered).
    const PERSONAL: [&str; 4] = ["full name", "date of birth", "gender", "expiration date"];
    for (label, value) in scalars {
        let value = value
            .map(Scalar::trimmed)
            .filter(|v| !v.is_empty())
            .filter(|v| !(PERSONAL.contains(&label) && smileid_hyper::types::is_placeholder(v)));
        if let Some(value) = value {
            rows.plain(label, value);
        }
    }
    // Never the photo itself: it is personal data, and a terminal is no
    // place for base64 (`verify-id --photo-out` writes it to a file).
    if let Some(photo) = result.photo.as_ref() {
        let text = photo.trimmed();
        if !smileid_hyper::types::is_placeholder(text) {
            rows.plain(
                "photo",
                &format!("present ({} characters of base64)", text.len()),
            );
        }
    }
}

/// The `Actions` section.
fn actions_section(out: &mut String, result: &JobResult) {
    let Some(actions) = result.actions().filter(|a| !a.is_empty()) else {
        return;
    };
    let _ = writeln!(out, "\n{}", paint(style::HEADING, "Actions"));
    let mut rows = Rows::new();
    for (name, verdict) in actions.iter() {
        let status = verdict.status();
        rows.styled(
            style::clean(name).into_owned(),
            paint(style::verdict(status), verdict.as_str()),
        );
    }
    rows.write(out, "  ");
}

/// The `Partner params` section, extras included.
fn partner_section(out: &mut String, params: Option<&PartnerParams>) {
    let Some(params) = params else {
        return;
    };
    let _ = writeln!(out, "\n{}", paint(style::HEADING, "Partner params"));
    let mut rows = Rows::new();
    if let Some(user_id) = params.user_id() {
        rows.plain("user_id", user_id);
    }
    if let Some(job_id) = params.job_id() {
        rows.plain("job_id", job_id);
    }
    if let Some(job_type) = &params.job_type {
        rows.plain("job_type", job_type.as_str());
    }
    for (key, value) in &params.extra {
        rows.plain(style::clean(key).into_owned(), &compact(value, 200));
    }
    rows.write(out, "  ");
}

/// Unknown keys of a result object.
fn extra_section(out: &mut String, heading: &str, extra: &serde_json::Map<String, Value>) {
    if extra.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{}", paint(style::HEADING, heading));
    let mut rows = Rows::new();
    for (key, value) in extra {
        rows.plain(style::clean(key).into_owned(), &compact(value, 200));
    }
    rows.write(out, "  ");
}

/// The full human-readable view of a verified job status.
pub fn job_status(status: &JobStatus, user_id: &str, job_id: &str) -> String {
    job_status_response(status.response(), user_id, job_id)
}

/// The full human-readable view of a (verified) job status response.
pub fn job_status_response(response: &JobStatusResponse, user_id: &str, job_id: &str) -> String {
    let mut out = String::new();
    let outcome = response.outcome();
    let _ = writeln!(
        out,
        "{}  job {} of user {}",
        paint(style::outcome(&outcome), &outcome_word(&outcome)),
        style::clean(job_id),
        style::clean(user_id)
    );
    let mut rows = Rows::new();
    rows.plain("outcome", outcome_meaning(&outcome));
    if let Some(result) = response.result_object() {
        result_head_rows(&mut rows, result);
    }
    rows.styled(
        "complete",
        if response.job_complete {
            paint(style::GOOD, "yes")
        } else {
            paint(style::WAITING, "no, still being processed")
        },
    );
    rows.plain("success", yes_no(response.job_success));
    if let Some(code) = &response.code {
        rows.plain("status code", code);
    }
    if let Some(message) = response.message() {
        rows.plain("message", message);
    }
    if let Some(result) = response.result_object() {
        result_detail_rows(&mut rows, result);
    }
    for (label, value) in [
        ("KYC receipt", &response.kyc_receipt),
        ("KYB receipt", &response.kyb_receipt),
    ] {
        if let Some(value) = value {
            rows.plain(label, value);
        }
    }
    rows.plain("signed at", &response.timestamp);
    rows.write(&mut out, "  ");

    if let Some(result) = response.result_object() {
        actions_section(&mut out, result);
        partner_section(&mut out, result.partner_params());
        extra_section(&mut out, "Other result fields", &result.extra);
    }
    extra_section(&mut out, "Other response fields", &response.extra);

    if let Some(history) = &response.history {
        let _ = writeln!(
            out,
            "\n{}",
            paint(style::HEADING, &format!("History ({})", history.len()))
        );
        if history.is_empty() {
            let _ = writeln!(out, "  {}", paint(style::DIM, "no earlier results"));
        }
        for (i, entry) in history.iter().enumerate() {
            let mut line = format!("  {}. {}", i + 1, result_line(entry));
            if let Some(id) = entry.smile_job_id() {
                let _ = write!(
                    line,
                    "  {}",
                    paint(style::DIM, &format!("Smile ID job {id}"))
                );
            }
            if let Some(job) = entry.partner_params().and_then(PartnerParams::job_id) {
                let _ = write!(line, "  {}", paint(style::DIM, &format!("job {job}")));
            }
            let _ = writeln!(out, "{line}");
        }
    }

    if let Some(links) = &response.image_links {
        let _ = writeln!(out, "\n{}", paint(style::HEADING, "Image links"));
        let mut rows = Rows::new();
        for (key, value) in links.iter() {
            rows.plain(style::clean(key).into_owned(), value);
        }
        if links.is_empty() {
            rows.plain("(none)", "");
        }
        rows.write(&mut out, "  ");
    }
    out
}

/// The summary of a verified callback.
pub fn callback(result: &JobResult, timestamp: &str, age: Option<std::time::Duration>) -> String {
    let mut out = String::new();
    let outcome = result.outcome();
    let params = result.partner_params();
    let _ = writeln!(
        out,
        "{}  callback for job {} of user {}",
        paint(style::outcome(&outcome), &outcome_word(&outcome)),
        style::clean(params.and_then(PartnerParams::job_id).unwrap_or("?")),
        style::clean(params.and_then(PartnerParams::user_id).unwrap_or("?")),
    );
    let mut rows = Rows::new();
    rows.plain("outcome", outcome_meaning(&outcome));
    result_head_rows(&mut rows, result);
    rows.styled("signature", paint(style::GOOD, "valid"));
    let signed = match age {
        Some(age) => format!("{timestamp} ({}s ago)", age.as_secs()),
        None => format!("{timestamp} (in the future)"),
    };
    rows.plain("signed at", &signed);
    result_detail_rows(&mut rows, result);
    rows.write(&mut out, "  ");
    actions_section(&mut out, result);
    partner_section(&mut out, params);
    extra_section(&mut out, "Other result fields", &result.extra);
    out
}

/// The human-readable view of a verified lookup answer (`what`: "ID
/// lookup", "business verification", "AML screen").
pub fn lookup(what: &str, result: &JobResult, timestamp: &str) -> String {
    let outcome = result.outcome();
    let headline = paint(style::outcome(&outcome), &outcome_word(&outcome));
    lookup_headed(
        &headline,
        what,
        result,
        timestamp,
        Some(outcome_meaning(&outcome)),
    )
}

/// [`lookup`] under `headline`, with an `outcome` row when given.
fn lookup_headed(
    headline: &str,
    what: &str,
    result: &JobResult,
    timestamp: &str,
    outcome: Option<&str>,
) -> String {
    let mut out = String::new();
    let params = result.partner_params();
    let _ = writeln!(
        out,
        "{headline}  {what} for job {} of user {}",
        style::clean(params.and_then(PartnerParams::job_id).unwrap_or("?")),
        style::clean(params.and_then(PartnerParams::user_id).unwrap_or("?")),
    );
    let mut rows = Rows::new();
    if let Some(outcome) = outcome {
        rows.plain("outcome", outcome);
    }
    result_head_rows(&mut rows, result);
    rows.styled("signature", paint(style::GOOD, "valid"));
    rows.plain("signed at", timestamp);
    result_detail_rows(&mut rows, result);
    rows.write(&mut out, "  ");
    actions_section(&mut out, result);
    partner_section(&mut out, params);
    out
}

/// The blocks of a business verification answer.
pub fn business(response: &smileid_hyper::types::BusinessVerificationResponse) -> String {
    let mut out = String::new();
    if let Some(company) = &response.company_information {
        let _ = writeln!(out, "\n{}", paint(style::HEADING, "Company"));
        let mut rows = Rows::new();
        for (label, value) in [
            ("legal name", company.legal_name()),
            ("registration number", company.registration_number()),
            ("company type", company.company_type()),
            ("status", company.status()),
            ("registered", company.registration_date()),
            ("address", company.address()),
            ("tax id", company.tax_id()),
        ] {
            if let Some(value) = value {
                rows.plain(label, value);
            }
        }
        rows.write(&mut out, "  ");
    }
    for (heading, names) in [
        (
            "Directors",
            response
                .directors
                .iter()
                .map(|d| d.name())
                .collect::<Vec<_>>(),
        ),
        (
            "Beneficial owners",
            response
                .beneficial_owners
                .iter()
                .map(|o| o.name())
                .collect(),
        ),
        (
            "Fiduciaries",
            response.fiduciaries.iter().map(|f| f.name()).collect(),
        ),
    ] {
        if names.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "\n{}",
            paint(style::HEADING, &format!("{heading} ({})", names.len()))
        );
        for name in names {
            let _ = writeln!(out, "  {}", style::clean(name.unwrap_or("(no name)")));
        }
    }
    out
}

/// The human-readable view of an AML screen: headed by whether anyone was
/// found (Smile ID's AML result codes are outside the documented
/// catalogue, so the number of people found is the verdict), then the
/// people.
pub fn aml(response: &smileid_hyper::types::AmlResponse) -> String {
    let found = response.persons_found();
    let headline = if found == 0 {
        paint(style::GOOD, "NOT LISTED")
    } else {
        paint(style::BAD, "LISTED")
    };
    let mut out = lookup_headed(
        &headline,
        "AML screen",
        &response.result,
        &response.timestamp,
        None,
    );
    let _ = writeln!(
        out,
        "\n{}",
        paint(style::HEADING, &format!("People found ({found})"))
    );
    if response.people.is_empty() {
        let _ = writeln!(out, "  {}", paint(style::DIM, "nobody on the lists"));
    }
    for person in &response.people {
        let name = person
            .name
            .as_ref()
            .map(|n| n.trimmed().to_owned())
            .unwrap_or_else(|| "(no name)".to_owned());
        let mut notes = Vec::new();
        if let Some(pep) = &person.pep {
            notes.push(format!(
                "PEP{}",
                pep.pep_level
                    .as_ref()
                    .map(|l| format!(" level {}", l.trimmed()))
                    .unwrap_or_default()
            ));
        }
        if !person.sanctions.is_empty() {
            notes.push(format!("{} sanction(s)", person.sanctions.len()));
        }
        if !person.adverse_media.is_empty() {
            notes.push(format!(
                "{} adverse media item(s)",
                person.adverse_media.len()
            ));
        }
        let _ = writeln!(
            out,
            "  {}  {}",
            style::clean(&name),
            paint(style::DIM, &notes.join(", "))
        );
    }
    out
}

/// A plain-text table: a bold header row, then one row per entry, columns
/// padded to their widest cell; every cell cleaned of control characters.
/// The last column is not padded.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let cleaned: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|cell| crate::style::clean(cell).into_owned())
                .collect()
        })
        .collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in &cleaned {
        for (i, cell) in row.iter().enumerate() {
            if let Some(width) = widths.get_mut(i) {
                *width = (*width).max(cell.chars().count());
            }
        }
    }
    let line = |cells: &[String]| -> String {
        let mut out = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 < cells.len() {
                let pad = widths[i].saturating_sub(cell.chars().count());
                out.push_str(cell);
                out.push_str(&" ".repeat(pad + 2));
            } else {
                out.push_str(cell);
            }
        }
        out.trim_end().to_owned()
    };
    let head: Vec<String> = headers.iter().map(|h| (*h).to_owned()).collect();
    let mut out = crate::style::paint(crate::style::HEADING, &line(&head));
    out.push('\n');
    for row in &cleaned {
        out.push_str(&line(row));
        out.push('\n');
    }
    out
}
