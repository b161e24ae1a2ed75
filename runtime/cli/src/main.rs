//! `alipayhk`: the protocol's operations one at a time, for people debugging signature
//! mismatches. Key files may be PEM or the bare base64 AlipayHK's portal hands out.
//!
//! Exit status: 0 done (or `valid`), 1 the signature or ciphertext does not check out, 2 a
//! usage mistake, 3 a key or file that cannot be read.

use std::cell::Cell;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use alipayhk_runtime::encrypt::{BodyCipher, RsaAesEcb};
use alipayhk_runtime::sign::{self, SignatureHeader};
use alipayhk_runtime::{KeyRole, PrivateKey, PublicKey};
use clap::{Args, Parser, Subcommand};

/// Sign, verify, encrypt and decrypt AlipayHK Open API messages.
#[derive(Parser)]
#[command(
    name = "alipayhk",
    version,
    about,
    after_help = "Exit status: 0 done, 1 the signature or ciphertext does not check out, 2 usage, 3 a key or file that cannot be read. `-` reads a file from standard input."
)]
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
    /// File holding the exact body bytes; `-` for standard input.
    #[arg(long)]
    body_file: PathBuf,
}

/// Whose private key: the flag says, so messages name the right key.
#[derive(Args)]
#[group(required = true, multiple = false)]
struct PrivateKeyFile {
    /// The merchant's private key (PEM or bare base64; PKCS#8 or PKCS#1): signs requests,
    /// opens encrypted responses. `--private-key` is the same flag.
    #[arg(long, visible_alias = "private-key")]
    merchant_private_key: Option<PathBuf>,
    /// AlipayHK's private key, as a test gateway holds it: signs responses and notifications.
    #[arg(long)]
    alipayhk_private_key: Option<PathBuf>,
}

/// Whose public key: the flag says, so messages name the right key.
#[derive(Args)]
#[group(required = true, multiple = false)]
struct PublicKeyFile {
    /// AlipayHK's public key (PEM or bare base64; SubjectPublicKeyInfo or PKCS#1): verifies
    /// responses and notifications, encrypts requests. `--public-key` is the same flag.
    #[arg(long, visible_alias = "public-key")]
    alipayhk_public_key: Option<PathBuf>,
    /// The merchant's public key, as AlipayHK (or a test gateway) holds it: verifies requests.
    #[arg(long)]
    merchant_public_key: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Print the Signature header value for a message.
    Sign {
        #[command(flatten)]
        key: PrivateKeyFile,
        #[command(flatten)]
        content: Content,
        /// The keyVersion to put in the header.
        #[arg(long, default_value = "1", value_parser = header_item)]
        key_version: String,
    },
    /// Check a Signature header value: prints `valid` (exit 0) or why not (exit 1).
    Verify {
        #[command(flatten)]
        key: PublicKeyFile,
        #[command(flatten)]
        content: Content,
        /// The whole Signature header value.
        #[arg(long)]
        signature: String,
    },
    /// Encrypt a body: prints the Encrypt header value, then the encrypted body.
    Encrypt {
        #[command(flatten)]
        key: PublicKeyFile,
        /// File holding the plaintext body; `-` for standard input.
        #[arg(long)]
        body_file: PathBuf,
        /// The keyVersion to put in the header.
        #[arg(long, default_value = "1", value_parser = header_item)]
        key_version: String,
    },
    /// Decrypt a body: writes the plaintext bytes exactly (exit 1 when it does not open).
    Decrypt {
        #[command(flatten)]
        key: PrivateKeyFile,
        /// The Encrypt header value.
        #[arg(long)]
        encrypt_header: String,
        /// File holding the encrypted body; `-` for standard input.
        #[arg(long)]
        body_file: PathBuf,
    },
    /// Write the exact content to sign, to diff against your own.
    Content(Content),
}

/// Why a command stopped, which decides the exit status.
enum Failure {
    /// The signature does not check out: 1, with `invalid: why` on standard output.
    Rejected(String),
    /// The ciphertext does not open with the key: 1, with why on standard error (standard
    /// output is for the plaintext).
    Unopened(String),
    /// A usage mistake clap cannot see: 2.
    Usage(String),
    /// A key or file that cannot be read or written: 3.
    Input(String),
}

fn main() -> ExitCode {
    match run(Cli::parse().command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Rejected(message)) => {
            // The answer, not a fault: on standard output, as `valid` is.
            println!("invalid: {message}");
            ExitCode::from(1)
        }
        Err(Failure::Unopened(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
        Err(Failure::Input(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(3)
        }
    }
}

/// A `keyVersion` that cannot break or extend the header it goes into.
fn header_item(value: &str) -> Result<String, String> {
    sign::check_header_item(value)
        .map(|()| value.to_owned())
        .map_err(str::to_owned)
}

/// Reads the files a command names; `-` is standard input, which only one of them can be.
#[derive(Default)]
struct Inputs {
    stdin_taken: Cell<bool>,
}

impl Inputs {
    fn read(&self, path: &Path, what: &str) -> Result<Vec<u8>, Failure> {
        if path.as_os_str() == "-" {
            if self.stdin_taken.replace(true) {
                return Err(Failure::Usage(
                    "only one file can be `-` (standard input)".into(),
                ));
            }
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .map_err(|e| Failure::Input(format!("reading {what} from standard input: {e}")))?;
            return Ok(bytes);
        }
        std::fs::read(path)
            .map_err(|e| Failure::Input(format!("reading {what} {}: {e}", path.display())))
    }

    fn text(&self, path: &Path, what: &str) -> Result<String, Failure> {
        String::from_utf8(self.read(path, what)?)
            .map_err(|_| Failure::Input(format!("{what} {} is not text", path.display())))
    }

    fn private_key(&self, key: &PrivateKeyFile) -> Result<PrivateKey, Failure> {
        let (path, role) = match (&key.merchant_private_key, &key.alipayhk_private_key) {
            (Some(path), _) => (path, KeyRole::MerchantPrivate),
            (None, Some(path)) => (path, KeyRole::PlatformPrivate),
            (None, None) => return Err(Failure::Usage("give a private key".into())),
        };
        if let Some(warning) = alipayhk_runtime::keys::files::permission_warning(path) {
            eprintln!("warning: {warning}");
        }
        let text = self.text(path, &format!("the {role}"))?;
        PrivateKey::parse(&text, role)
            .map_err(|e| Failure::Input(format!("the {role} in {}: {e}", path.display())))
    }

    fn public_key(&self, key: &PublicKeyFile) -> Result<PublicKey, Failure> {
        let (path, role) = match (&key.alipayhk_public_key, &key.merchant_public_key) {
            (Some(path), _) => (path, KeyRole::PlatformPublic),
            (None, Some(path)) => (path, KeyRole::MerchantPublic),
            (None, None) => return Err(Failure::Usage("give a public key".into())),
        };
        let text = self.text(path, &format!("the {role}"))?;
        PublicKey::parse(&text, role)
            .map_err(|e| Failure::Input(format!("the {role} in {}: {e}", path.display())))
    }
}

fn write_out(bytes: &[u8]) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(bytes)
        .and_then(|()| stdout.flush())
        .map_err(|e| Failure::Input(format!("writing standard output: {e}")))
}

fn signed_content<'a>(content: &'a Content, body: &'a [u8]) -> sign::SignedContent<'a> {
    sign::SignedContent {
        method: &content.method,
        path: &content.path,
        client_id: &content.client_id,
        time: &content.time,
        body,
    }
}

fn run(command: Command) -> Result<(), Failure> {
    let inputs = Inputs::default();
    match command {
        Command::Sign {
            key,
            content,
            key_version,
        } => {
            let key = inputs.private_key(&key)?;
            let body = inputs.read(&content.body_file, "body")?;
            let signature = signed_content(&content, &body).sign(&key);
            let header = SignatureHeader::new(key_version, signature).to_header_value();
            write_out(format!("{header}\n").as_bytes())
        }
        Command::Verify {
            key,
            content,
            signature,
        } => {
            let key = inputs.public_key(&key)?;
            let body = inputs.read(&content.body_file, "body")?;
            let header =
                SignatureHeader::parse(&signature).map_err(|e| Failure::Rejected(e.to_string()))?;
            signed_content(&content, &body)
                .verify(&key, &header.signature)
                .map_err(|e| Failure::Rejected(e.to_string()))?;
            write_out(b"valid\n")
        }
        Command::Encrypt {
            key,
            body_file,
            key_version,
        } => {
            let key = inputs.public_key(&key)?;
            let sealed = RsaAesEcb.encrypt(&key, &key_version, &inputs.read(&body_file, "body")?);
            let mut out = format!("{}\n", sealed.header).into_bytes();
            out.extend_from_slice(&sealed.body);
            out.push(b'\n');
            write_out(&out)
        }
        Command::Decrypt {
            key,
            encrypt_header,
            body_file,
        } => {
            let key = inputs.private_key(&key)?;
            let plaintext = RsaAesEcb
                .decrypt(&key, &encrypt_header, &inputs.read(&body_file, "body")?)
                .map_err(|e| Failure::Unopened(e.to_string()))?;
            write_out(&plaintext)
        }
        Command::Content(content) => {
            let body = inputs.read(&content.body_file, "body")?;
            write_out(&signed_content(&content, &body).to_bytes())
        }
    }
}
