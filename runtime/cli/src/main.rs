//! `alipayhk`: the protocol's operations one at a time, for people debugging signature
//! mismatches. Key files may be PEM or the bare base64 AlipayHK's portal hands out.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use alipayhk_runtime::encrypt::{BodyCipher, RsaAesEcb};
use alipayhk_runtime::sign::{self, SignatureHeader};
use alipayhk_runtime::{KeyRole, PrivateKey, PublicKey};
use clap::{Args, Parser, Subcommand};

/// Sign, verify, encrypt and decrypt AlipayHK Open API messages.
#[derive(Parser)]
#[command(name = "alipayhk", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The parts of the content to sign.
#[derive(Args)]
struct Content {
    /// HTTP method, such as POST.
    #[arg(long)]
    method: String,
    /// Request path, without query string.
    #[arg(long)]
    path: String,
    /// The Client-Id header value.
    #[arg(long)]
    client_id: String,
    /// The Request-Time (or Response-Time) header value, exactly as sent.
    #[arg(long)]
    time: String,
    /// File holding the exact body bytes.
    #[arg(long)]
    body_file: PathBuf,
}

#[derive(Subcommand)]
enum Command {
    /// Print the Signature header value for a message.
    Sign {
        /// The private key (PEM or bare base64; PKCS#8 or PKCS#1).
        #[arg(long)]
        private_key: PathBuf,
        #[command(flatten)]
        content: Content,
        /// The keyVersion to put in the header.
        #[arg(long, default_value = "1", value_parser = header_item)]
        key_version: String,
    },
    /// Check a Signature header value: prints `valid` (exit 0) or why not (exit 1).
    Verify {
        /// The public key (PEM or bare base64; SubjectPublicKeyInfo or PKCS#1).
        #[arg(long)]
        public_key: PathBuf,
        #[command(flatten)]
        content: Content,
        /// The whole Signature header value.
        #[arg(long)]
        signature: String,
    },
    /// Encrypt a body: prints the Encrypt header value, then the encrypted body.
    Encrypt {
        /// The recipient's public key.
        #[arg(long)]
        public_key: PathBuf,
        /// File holding the plaintext body.
        #[arg(long)]
        body_file: PathBuf,
        /// The keyVersion to put in the header.
        #[arg(long, default_value = "1", value_parser = header_item)]
        key_version: String,
    },
    /// Decrypt a body: writes the plaintext bytes exactly.
    Decrypt {
        /// Your private key.
        #[arg(long)]
        private_key: PathBuf,
        /// The Encrypt header value.
        #[arg(long)]
        encrypt_header: String,
        /// File holding the encrypted body.
        #[arg(long)]
        body_file: PathBuf,
    },
    /// Write the exact content to sign, to diff against your own.
    Content(Content),
}

fn main() -> ExitCode {
    match run(Cli::parse().command) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn read(path: &Path, what: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("reading {what} {}: {e}", path.display()))
}

/// A `keyVersion` that cannot break or extend the header it goes into.
fn header_item(value: &str) -> Result<String, String> {
    sign::check_header_item(value)
        .map(|()| value.to_owned())
        .map_err(str::to_owned)
}

fn read_text(path: &Path, what: &str) -> Result<String, String> {
    String::from_utf8(read(path, what)?)
        .map_err(|_| format!("{what} {} is not text", path.display()))
}

fn load_private_key(path: &Path) -> Result<PrivateKey, String> {
    if let Some(warning) = alipayhk_runtime::key_files::permission_warning(path) {
        eprintln!("warning: {warning}");
    }
    PrivateKey::parse(&read_text(path, "private key")?, KeyRole::MerchantPrivate)
        .map_err(|e| e.to_string())
}

fn load_public_key(path: &Path) -> Result<PublicKey, String> {
    PublicKey::parse(&read_text(path, "public key")?, KeyRole::PlatformPublic)
        .map_err(|e| e.to_string())
}

fn run(command: Command) -> Result<ExitCode, String> {
    let mut stdout = std::io::stdout().lock();
    match command {
        Command::Sign {
            private_key,
            content,
            key_version,
        } => {
            let key = load_private_key(&private_key)?;
            let body = read(&content.body_file, "body")?;
            let signature = sign::SignedContent {
                method: &content.method,
                path: &content.path,
                client_id: &content.client_id,
                time: &content.time,
                body: &body,
            }
            .sign(&key);
            writeln!(
                stdout,
                "{}",
                SignatureHeader::new(key_version, signature).to_header_value()
            )
            .map_err(|e| e.to_string())?;
        }
        Command::Verify {
            public_key,
            content,
            signature,
        } => {
            let key = load_public_key(&public_key)?;
            let body = read(&content.body_file, "body")?;
            let header = match SignatureHeader::parse(&signature) {
                Ok(header) => header,
                Err(e) => {
                    writeln!(stdout, "invalid: {e}").map_err(|e| e.to_string())?;
                    return Ok(ExitCode::FAILURE);
                }
            };
            return match (sign::SignedContent {
                method: &content.method,
                path: &content.path,
                client_id: &content.client_id,
                time: &content.time,
                body: &body,
            })
            .verify(&key, &header.signature)
            {
                Ok(()) => {
                    writeln!(stdout, "valid").map_err(|e| e.to_string())?;
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => {
                    writeln!(stdout, "invalid: {e}").map_err(|e| e.to_string())?;
                    Ok(ExitCode::FAILURE)
                }
            };
        }
        Command::Encrypt {
            public_key,
            body_file,
            key_version,
        } => {
            let key = load_public_key(&public_key)?;
            let sealed = RsaAesEcb.encrypt(&key, &key_version, &read(&body_file, "body")?);
            writeln!(stdout, "{}", sealed.header).map_err(|e| e.to_string())?;
            stdout
                .write_all(&sealed.body)
                .and_then(|()| writeln!(stdout))
                .map_err(|e| e.to_string())?;
        }
        Command::Decrypt {
            private_key,
            encrypt_header,
            body_file,
        } => {
            let key = load_private_key(&private_key)?;
            let plaintext = RsaAesEcb
                .decrypt(&key, &encrypt_header, &read(&body_file, "body")?)
                .map_err(|e| e.to_string())?;
            stdout.write_all(&plaintext).map_err(|e| e.to_string())?;
        }
        Command::Content(content) => {
            let body = read(&content.body_file, "body")?;
            let bytes = sign::SignedContent {
                method: &content.method,
                path: &content.path,
                client_id: &content.client_id,
                time: &content.time,
                body: &body,
            }
            .to_bytes();
            stdout.write_all(&bytes).map_err(|e| e.to_string())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
