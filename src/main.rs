fn main() -> std::process::ExitCode {
    skrivsal::cli::main()
}
