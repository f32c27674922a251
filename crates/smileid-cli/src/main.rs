//! The `smileid` command; everything lives in the library.

fn main() -> std::process::ExitCode {
    smileid_cli::main()
}
