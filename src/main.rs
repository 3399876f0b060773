fn main() -> std::process::ExitCode {
    skrivsal::app::cli::main()
}
