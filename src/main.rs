// mimalloc instead of the system allocator: see Cargo.toml and docs/performance.md for the measurements.
// Only the binary sets it; the library leaves the choice to whoever links it.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(slantscope::cli::main());
}
