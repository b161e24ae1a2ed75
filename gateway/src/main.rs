//! `alipayhk-gateway`: a local AlipayHK gateway on 127.0.0.1 for testing clients in any language.
//!
//! Prints one line per fact on start (address, client id, merchant id, template code, console,
//! key files, passes), then serves until stopped. `notify` sends a notification instead.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use std::time::Duration;

use alipayhk::runtime::keys::files::{permission_warning, write_private_key};
use alipayhk::runtime::server::ServeLimits;
use alipayhk::runtime::{KeyRole, PrivateKey, PublicKey};
use alipayhk_gateway::{Gateway, GatewayConfig, Scripted, default_freshness, start};
use clap::Parser;

/// A local AlipayHK gateway: signed requests in, signed responses out, passes in memory.
#[derive(Parser)]
#[command(version, about)]
struct Args {
    /// Port on 127.0.0.1; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// The Client-Id requests must carry.
    #[arg(long, default_value = "LOCAL_TEST_CLIENT")]
    client_id: String,
    /// The merchant's public key, which verifies requests. Generated (with its private key) when absent.
    #[arg(long)]
    merchant_public_key: Option<PathBuf>,
    /// The gateway's private key, which signs responses. Generated when absent.
    #[arg(long)]
    platform_private_key: Option<PathBuf>,
    /// Where generated keys are written (private ones with mode 0600). By default a new
    /// private directory under the system temp dir, removed when the gateway stops.
    #[arg(long)]
    key_dir: Option<PathBuf>,
    /// Oldest Request-Time accepted, in seconds.
    #[arg(long, default_value_t = default_freshness().max_age.as_secs())]
    max_request_age: u64,
    /// How far ahead of this clock a Request-Time may be, in seconds.
    #[arg(long, default_value_t = default_freshness().max_skew.as_secs())]
    max_clock_skew: u64,
    /// Connections kept open; past it the oldest is closed gracefully.
    #[arg(long, default_value_t = ServeLimits::default().max_connections)]
    max_connections: usize,
    /// Seconds a request head may take to arrive (also the keep-alive idle limit).
    #[arg(long, default_value_t = ServeLimits::default().header_read_timeout.as_secs())]
    header_read_timeout: u64,
    /// A pass to hold, active (repeatable). Default: 2020091119027102160530200000039.
    #[arg(long = "pass")]
    passes: Vec<String>,
    /// JSON file of faults by pass id (`*` for all), e.g.
    /// {"P1": [{"kind": "result", "code": "SYSTEM_ERROR", "status": "U", "times": 1}]}.
    #[arg(long)]
    faults: Option<PathBuf>,
    /// What to log, as a `tracing` filter: `info` logs each request (method, path, result)
    /// and why one was refused; `debug` also the exact content a refused signature had to
    /// cover. Defaults to `RUST_LOG`, else `info`.
    #[arg(long)]
    log: Option<String>,
    /// Do not serve the console at /console (the request log, the state, fault and
    /// notification forms).
    #[arg(long)]
    no_console: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Send one of the spec's notifications to a merchant's webhook, signed as AlipayHK signs
    /// it, and print what the merchant's answer came to. Exit code: 0 S, 1 F, 3 U, 4 unsigned
    /// answer, 5 bad signature, 6 no answer, 7 not sent, 8 not a protocol answer, 2 a usage
    /// mistake or an invalid notification.
    Notify(NotifyArgs),
}

#[derive(clap::Args)]
struct NotifyArgs {
    /// The notification, by its spec name (`pointsBillNotify`, `membercardCreate`, …).
    name: String,
    /// The merchant's webhook base URL; the notification's path is appended.
    #[arg(long)]
    to: String,
    /// A JSON file with the notification's body.
    #[arg(long)]
    json: Option<PathBuf>,
    /// A field of the body, `name=value` (a JSON value, or else a string); repeatable, and
    /// applied over `--json`.
    #[arg(long = "field")]
    fields: Vec<String>,
    /// AlipayHK's private key, which signs the notification.
    #[arg(long)]
    platform_private_key: PathBuf,
    /// The merchant's public key, which verifies the answer.
    #[arg(long)]
    merchant_public_key: PathBuf,
    /// The merchant's Client-Id.
    #[arg(long, default_value = "LOCAL_TEST_CLIENT")]
    client_id: String,
    /// Seconds to wait for each answer.
    #[arg(long, default_value_t = alipayhk_gateway::notify::DELIVERY_TIMEOUT.as_secs())]
    timeout: u64,
    /// Deliver again on AlipayHK's schedule (2 min, 10 min, 10 min, 1 h, 2 h, 6 h, 15 h) until
    /// the answer is `S`.
    #[arg(long)]
    redeliver: bool,
    /// How much faster than AlipayHK to re-deliver (3600: the schedule's hours pass in
    /// seconds).
    #[arg(long, default_value_t = 1.0)]
    speed: f64,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let filter = match &args.log {
        Some(filter) => tracing_subscriber::EnvFilter::try_new(filter),
        None => tracing_subscriber::EnvFilter::try_from_default_env()
            .or_else(|_| tracing_subscriber::EnvFilter::try_new("info")),
    };
    match filter {
        // On standard error: standard output carries the address and keys a script reads.
        Ok(filter) => tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .init(),
        Err(error) => {
            eprintln!("error: --log: {error}");
            return std::process::ExitCode::from(2);
        }
    }
    if let Some(Command::Notify(notify)) = args.command {
        return match send_notification(notify).await {
            Ok(code) => std::process::ExitCode::from(code),
            Err(message) => {
                eprintln!("error: {message}");
                std::process::ExitCode::from(2)
            }
        };
    }
    match run(args).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            std::process::ExitCode::from(2)
        }
    }
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))
}

fn write(dir: &Path, name: &str, text: &str) -> Result<PathBuf, String> {
    let path = dir.join(name);
    std::fs::write(&path, text).map_err(|e| format!("writing {}: {e}", path.display()))?;
    Ok(path)
}

fn write_private(dir: &Path, name: &str, key: &PrivateKey) -> Result<PathBuf, String> {
    let path = dir.join(name);
    write_private_key(&path, key).map_err(|e| format!("writing {e}"))?;
    Ok(path)
}

/// The key directory: the one given (created private when absent), or a new private
/// temporary one (mode 0700, unpredictable name) that is removed when it is dropped.
fn key_dir(given: Option<&Path>) -> Result<(PathBuf, Option<tempfile::TempDir>), String> {
    match given {
        Some(dir) => {
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            builder
                .create(dir)
                .map_err(|e| format!("creating {}: {e}", dir.display()))?;
            Ok((dir.to_owned(), None))
        }
        None => {
            let mut builder = tempfile::Builder::new();
            builder.prefix("alipayhk-gateway-");
            // tempfile leaves the mode to the umask (0755 by default): ask for 0700.
            #[cfg(unix)]
            builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700));
            let temp = builder
                .tempdir()
                .map_err(|e| format!("creating a key directory: {e}"))?;
            Ok((temp.path().to_owned(), Some(temp)))
        }
    }
}

fn read_private(path: &Path, role: KeyRole) -> Result<PrivateKey, String> {
    if let Some(warning) = permission_warning(path) {
        eprintln!("warning: {warning}");
    }
    let text = zeroize::Zeroizing::new(read(path)?);
    PrivateKey::parse(&text, role).map_err(|e| format!("{}: {e}", path.display()))
}

/// The `notify` command: the verdict of each delivery on standard output, one line each, and
/// the last one's exit code.
async fn send_notification(args: NotifyArgs) -> Result<u8, String> {
    use alipayhk_gateway::notify::{deliver, deliver_until_success};

    let mut body = match &args.json {
        Some(path) => {
            serde_json::from_str(&read(path)?).map_err(|e| format!("{}: {e}", path.display()))?
        }
        None => serde_json::Value::Object(Default::default()),
    };
    for field in &args.fields {
        let (name, value) = field
            .split_once('=')
            .ok_or_else(|| format!("--field {field}: expected name=value"))?;
        let value = serde_json::from_str(value).unwrap_or_else(|_| value.into());
        match body.as_object_mut() {
            Some(object) => object.insert(name.to_owned(), value),
            None => return Err("--json must hold a JSON object".into()),
        };
    }
    let notification =
        alipayhk::webhooks::Notification::parse(&args.name, body).map_err(|e| e.to_string())?;
    let platform_key = read_private(&args.platform_private_key, KeyRole::PlatformPrivate)?;
    let merchant_key = PublicKey::parse(&read(&args.merchant_public_key)?, KeyRole::MerchantPublic)
        .map_err(|e| format!("{}: {e}", args.merchant_public_key.display()))?;
    let client = alipayhk::runtime::Client::builder()
        .base_url(args.to.trim_end_matches('/'))
        .client_id(args.client_id.clone())
        .merchant_key(platform_key)
        .platform_key(merchant_key)
        .timeout(Duration::from_secs(args.timeout))
        .build()
        .map_err(|e| e.to_string())?;
    // A compressed schedule compresses the merchant's lease with it: faster than this, all
    // eight deliveries end inside two default leases (60 s), and a merchant process killed
    // mid-handler still holds its claim when the last one arrives.
    let fastest = alipayhk::runtime::notifications::ALIPAYHK_RETRY_SPAN.as_secs_f64()
        / (2.0 * alipayhk::runtime::notifications::DEFAULT_LEASE.as_secs_f64());
    let speed = if args.redeliver && args.speed > fastest {
        println!(
            "--speed {} would end the schedule inside two webhook leases; using {fastest:.0}",
            args.speed
        );
        fastest
    } else {
        args.speed
    };
    let verdict = if args.redeliver {
        deliver_until_success(&client, &notification, speed, |attempt, verdict| {
            println!("delivery {attempt}: {verdict}");
        })
        .await
    } else {
        let verdict = deliver(&client, &notification).await;
        println!("{verdict}");
        verdict
    };
    Ok(verdict.exit_code())
}

async fn run(args: Args) -> Result<(), String> {
    // Held until the gateway stops, then removed with the keys generated into it.
    let (key_dir, _temporary) = key_dir(args.key_dir.as_deref())?;
    let mut facts = Vec::new();

    let platform_key = match &args.platform_private_key {
        Some(path) => {
            facts.push(format!("platform private key: {}", path.display()));
            read_private(path, KeyRole::PlatformPrivate)?
        }
        None => {
            let key = PrivateKey::generate(KeyRole::PlatformPrivate).map_err(|e| e.to_string())?;
            let path = write_private(&key_dir, "platform_private_key.pem", &key)?;
            facts.push(format!(
                "platform private key: {} (generated)",
                path.display()
            ));
            key
        }
    };
    let platform_public = write(
        &key_dir,
        "platform_public_key.pem",
        &platform_key.public_key().to_pem(),
    )?;
    facts.push(format!(
        "platform public key: {}",
        platform_public.display()
    ));

    let merchant_public_key = match &args.merchant_public_key {
        Some(path) => {
            facts.push(format!("merchant public key: {}", path.display()));
            PublicKey::parse(&read(path)?, KeyRole::MerchantPublic)
                .map_err(|e| format!("{}: {e}", path.display()))?
        }
        None => {
            let key = PrivateKey::generate(KeyRole::MerchantPrivate).map_err(|e| e.to_string())?;
            let private = write_private(&key_dir, "merchant_private_key.pem", &key)?;
            let public = write(
                &key_dir,
                "merchant_public_key.pem",
                &key.public_key().to_pem(),
            )?;
            facts.push(format!(
                "merchant private key: {} (generated)",
                private.display()
            ));
            facts.push(format!(
                "merchant public key: {} (generated)",
                public.display()
            ));
            key.public_key()
        }
    };

    let passes = if args.passes.is_empty() {
        vec!["2020091119027102160530200000039".to_owned()]
    } else {
        args.passes
    };
    let gateway = Arc::new(Gateway::with_passes(passes.clone()));
    if let Some(path) = &args.faults {
        let scripts: HashMap<String, Vec<Scripted>> =
            serde_json::from_str(&read(path)?).map_err(|e| format!("{}: {e}", path.display()))?;
        for (pass_id, list) in scripts {
            for scripted in list {
                gateway
                    .faults()
                    .script(&pass_id, scripted.fault, scripted.times);
            }
        }
    }
    let config = GatewayConfig {
        client_id: args.client_id.clone(),
        platform_key,
        merchant_public_key,
        merchant_key: None,
        port: args.port,
        gateway,
        freshness: alipayhk::runtime::request_time::Freshness {
            max_skew: Duration::from_secs(args.max_clock_skew),
            max_age: Duration::from_secs(args.max_request_age),
        },
        limits: ServeLimits::default()
            .max_connections(args.max_connections)
            .header_read_timeout(Duration::from_secs(args.header_read_timeout)),
        console: !args.no_console,
        redelivery_speed: 1.0,
    };
    let running = start(config)
        .await
        .map_err(|e| format!("binding 127.0.0.1:{}: {e}", args.port))?;
    println!("listening: {}", running.url());
    println!("client id: {}", args.client_id);
    if !args.no_console {
        println!("console: {}/console", running.url());
    }
    // What a merchant's requests must name: the gateway knows this merchant and template.
    println!("merchant id: {}", alipayhk_gateway::MERCHANT_ID);
    println!("template code: {}", alipayhk_gateway::TEMPLATE_CODE);
    for fact in facts {
        println!("{fact}");
    }
    println!("passes: {}", passes.join(", "));
    tokio::signal::ctrl_c().await.map_err(|e| e.to_string())?;
    Ok(())
}
