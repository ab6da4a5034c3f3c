//! `mpi token create|list|revoke`: API keys, managed on the machine that holds the
//! database (access to the database is access to everything anyway).

use clap::{Args, Subcommand};

use super::StateArgs;
use mpi::auth::{Roles, keys};

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Mint an API key; it is printed once (stdout) and stored only as a hash.
    Create(CreateArgs),
    /// List the keys (no secrets): id, name, roles, created, revoked.
    List(ListArgs),
    /// Revoke a key by id (or the active key of that name); its sessions end with it.
    Revoke(RevokeArgs),
}

#[derive(Args)]
pub struct CreateArgs {
    /// The key's name: the actor recorded for everything done with it.
    #[arg(long)]
    name: String,
    /// integration, reviewer, steward, auditor or admin (repeat or comma-separate for
    /// several).
    #[arg(long = "role", required = true, value_delimiter = ',')]
    roles: Vec<String>,
    #[command(flatten)]
    state: StateArgs,
}

#[derive(Args)]
pub struct ListArgs {
    /// JSON instead of a table.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    state: StateArgs,
}

#[derive(Args)]
pub struct RevokeArgs {
    /// The key's id (`k…`) or name.
    key: String,
    #[command(flatten)]
    state: StateArgs,
}

/// Who did it, as recorded: the operating-system user at the command line.
pub fn cli_actor() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "unknown".to_string());
    format!("cli:{user}")
}

pub fn run(command: TokenCommand) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        match command {
            TokenCommand::Create(args) => {
                let roles = Roles::parse_list(&args.roles.join(",")).map_err(anyhow::Error::msg)?;
                let store = args.state.open_store().await?;
                let (info, key) = keys::create(&store, &args.name, roles, &cli_actor()).await?;
                super::audit_cli(&store, "createToken", &[format!("key:{}", info.id)]).await?;
                eprintln!(
                    "API key {} ({}) for '{}' created; it is shown only now:",
                    info.id,
                    info.roles.to_list(),
                    info.name
                );
                println!("{key}");
            }
            TokenCommand::List(args) => {
                let store = args.state.open_store().await?;
                let keys = keys::list(&store).await?;
                if args.json {
                    println!("{}", serde_json::to_string_pretty(&keys)?);
                } else {
                    println!(
                        "{:<12} {:<24} {:<28} {:<10} CREATED BY",
                        "ID", "NAME", "ROLES", "STATE"
                    );
                    for k in keys {
                        let state = if k.revoked_at.is_some() {
                            "revoked"
                        } else {
                            "active"
                        };
                        println!(
                            "{:<12} {:<24} {:<28} {:<10} {}",
                            k.id,
                            k.name,
                            k.roles.to_list(),
                            state,
                            k.created_by
                        );
                    }
                }
            }
            TokenCommand::Revoke(args) => {
                let store = args.state.open_store().await?;
                let info = keys::revoke(&store, &args.key, &cli_actor()).await?;
                super::audit_cli(&store, "revokeToken", &[format!("key:{}", info.id)]).await?;
                eprintln!(
                    "API key {} ('{}') revoked; a running server refuses it within {} s",
                    info.id,
                    info.name,
                    mpi::auth::authenticate::CACHE_TTL.as_secs()
                );
            }
        }
        Ok(())
    })
}
