//! `alipayhk-gateway`: a local AlipayHK gateway on 127.0.0.1 for testing clients in any language.
//!
//! Prints one line per fact on start (address, client id, key files), then serves until stopped.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use alipayhk::runtime::{KeyRole, PrivateKey, PublicKey};
use alipayhk_gateway::{Gateway, GatewayConfig, Scripted, start};
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
    /// Where generated keys are written; a new directory under the system temp dir by default.
    #[arg(long)]
    key_dir: Option<PathBuf>,
    /// A pass to hold, active (repeatable). Default: 2020091119027102160530200000039.
    #[arg(long = "pass")]
    passes: Vec<String>,
    /// JSON file of faults by pass id (`*` for all), e.g.
    /// {"P1": [{"kind": "result", "code": "SYSTEM_ERROR", "status": "U", "times": 1}]}.
    #[arg(long)]
    faults: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run(Args::parse()).await {
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

async fn run(args: Args) -> Result<(), String> {
    let key_dir = args.key_dir.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("alipayhk-gateway-{}", std::process::id()))
    });
    std::fs::create_dir_all(&key_dir)
        .map_err(|e| format!("creating {}: {e}", key_dir.display()))?;
    let mut facts = Vec::new();

    let platform_key = match &args.platform_private_key {
        Some(path) => {
            facts.push(format!("platform private key: {}", path.display()));
            PrivateKey::parse(&read(path)?, KeyRole::PlatformPrivate).map_err(|e| e.to_string())?
        }
        None => {
            let key = PrivateKey::generate(KeyRole::PlatformPrivate).map_err(|e| e.to_string())?;
            let path = write(&key_dir, "platform_private_key.pem", &key.to_pkcs8_pem())?;
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
            PublicKey::parse(&read(path)?, KeyRole::MerchantPublic).map_err(|e| e.to_string())?
        }
        None => {
            let key = PrivateKey::generate(KeyRole::MerchantPrivate).map_err(|e| e.to_string())?;
            let private = write(&key_dir, "merchant_private_key.pem", &key.to_pkcs8_pem())?;
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
    };
    let running = start(config)
        .await
        .map_err(|e| format!("binding 127.0.0.1:{}: {e}", args.port))?;
    println!("listening: {}", running.url());
    println!("client id: {}", args.client_id);
    for fact in facts {
        println!("{fact}");
    }
    println!("passes: {}", passes.join(", "));
    tokio::signal::ctrl_c().await.map_err(|e| e.to_string())?;
    Ok(())
}
