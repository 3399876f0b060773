// The migrations are embedded into the binary (diesel_migrations::embed_migrations!);
// rebuild when they change so a new migration is never silently left out.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
