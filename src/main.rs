fn main() {
    std::process::exit(slantscope::cli::main());
}
