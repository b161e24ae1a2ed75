//! Generates `spec/` into `OUT_DIR`; a mistake in it fails the build at its `file:line:column`.

fn main() {
    alipayhk_codegen::Builder::new().spec_dir("spec").compile();
}
