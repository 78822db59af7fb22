//! The `g8audit` binary: parse, run, exit with the code the run chose.

fn main() {
    std::process::exit(g8audit::cmd::main());
}
