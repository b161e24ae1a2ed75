//! `Unknown` holds a value only parsing makes: writing one by hand does not compile, so an
//! `Unknown("usage")` that should have been `Usage` cannot exist.

fn main() {
    let _ = alipayhk::ButtonType::Unknown("usage".into());
    let _ = alipayhk::runtime::UnknownValue("usage".to_owned());
}
