//! The MLLP listener: accepts many connections (plain TCP or TLS); each connection is
//! read frame by frame and every message is answered before the next is read (standard
//! MLLP). A garbage frame, an oversize frame or a peer vanishing mid-message affects
//! only its own connection; a stop request lets messages in flight finish.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::MllpOptions;
use super::dispatch::Handler;
use super::frame::{self, Decoder, Event};

/// A bound MLLP listener, not yet serving.
pub struct Listener {
    listener: TcpListener,
    options: MllpOptions,
}

/// A running listener: its address, and the way to stop it (dropping the handle stops
/// it too).
pub struct MllpHandle {
    pub addr: SocketAddr,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl MllpHandle {
    /// Stops accepting, lets each connection finish the message it is on, then returns.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

impl Listener {
    /// Binds `addr` (port 0 for any free port).
    pub async fn bind(addr: &str, options: MllpOptions) -> std::io::Result<Listener> {
        Ok(Listener {
            listener: TcpListener::bind(addr).await?,
            options,
        })
    }

    /// The bound address.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves on the current tokio runtime until stopped.
    pub fn spawn(self, handler: Arc<Handler>) -> std::io::Result<MllpHandle> {
        let addr = self.listener.local_addr()?;
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(accept_loop(self.listener, self.options, handler, stopped));
        tracing::info!(%addr, "mllp listening");
        Ok(MllpHandle { addr, stop, task })
    }
}

async fn accept_loop(
    listener: TcpListener,
    options: MllpOptions,
    handler: Arc<Handler>,
    mut stopped: watch::Receiver<bool>,
) {
    let tls = options.tls.clone().map(tokio_rustls::TlsAcceptor::from);
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let _ = stream.set_nodelay(true);
                    let handler = handler.clone();
                    let options = options.clone();
                    let tls = tls.clone();
                    let stopped = stopped.clone();
                    connections.spawn(async move {
                        connection(stream, peer, tls, options, handler, stopped).await;
                    });
                }
                Err(error) => {
                    // out of descriptors and the like: wait a little rather than spin
                    tracing::warn!(%error, "mllp accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            _ = stopped.changed() => break,
        }
    }
    drop(listener);
    let wait = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(options.shutdown_timeout, wait)
        .await
        .is_err()
    {
        tracing::warn!("mllp stopped with connections still open");
    }
    tracing::info!("mllp stopped");
}

async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    tls: Option<tokio_rustls::TlsAcceptor>,
    options: MllpOptions,
    handler: Arc<Handler>,
    stopped: watch::Receiver<bool>,
) {
    tracing::debug!(%peer, "mllp connection opened");
    match tls {
        None => serve(stream, None, peer, &options, &handler, stopped).await,
        Some(acceptor) => {
            let accepted =
                tokio::time::timeout(options.read_timeout, acceptor.accept(stream)).await;
            match accepted {
                Ok(Ok(stream)) => {
                    let subject = client_subject(stream.get_ref().1);
                    serve(stream, subject, peer, &options, &handler, stopped).await
                }
                Ok(Err(error)) => tracing::warn!(%peer, %error, "mllp tls handshake failed"),
                Err(_) => tracing::warn!(%peer, "mllp tls handshake timed out"),
            }
        }
    }
    tracing::debug!(%peer, "mllp connection closed");
}

/// The client certificate's identity under mutual TLS: a hash of the leaf certificate
/// (the audit actor), since this crate does not parse X.509 names.
fn client_subject(session: &rustls::ServerConnection) -> Option<String> {
    use sha2::Digest;
    let leaf = session.peer_certificates()?.first()?;
    let digest = sha2::Sha256::digest(leaf.as_ref());
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    Some(format!("cert:{hex}"))
}

async fn serve<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    subject: Option<String>,
    peer: SocketAddr,
    options: &MllpOptions,
    handler: &Handler,
    mut stopped: watch::Receiver<bool>,
) {
    let mut decoder = Decoder::new(options.max_frame);
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let wait = if decoder.mid_frame() {
            options.read_timeout
        } else {
            options.idle_timeout
        };
        let read = tokio::select! {
            read = tokio::time::timeout(wait, stream.read(&mut buffer)) => read,
            _ = stopped.changed() => return,
        };
        let n = match read {
            Ok(Ok(0)) => {
                if decoder.mid_frame() {
                    tracing::warn!(%peer, "mllp peer closed the connection mid-message");
                }
                return;
            }
            Ok(Ok(n)) => n,
            Ok(Err(error)) => {
                tracing::warn!(%peer, %error, "mllp read failed");
                return;
            }
            Err(_) => {
                tracing::info!(%peer, mid_message = decoder.mid_frame(), "mllp connection timed out");
                return;
            }
        };
        for event in decoder.push(&buffer[..n]) {
            let answer = match event {
                Event::Frame(bytes) => handler.handle(&bytes, subject.as_deref()).await,
                Event::Oversize => handler.oversize(options.max_frame).await,
                Event::Garbage(skipped) => {
                    tracing::warn!(%peer, bytes = skipped, "mllp bytes outside a frame skipped");
                    continue;
                }
            };
            if let Err(error) = stream.write_all(&frame::encode(&answer)).await {
                tracing::warn!(%peer, %error, "mllp write failed");
                return;
            }
        }
        if let Err(error) = stream.flush().await {
            tracing::warn!(%peer, %error, "mllp flush failed");
            return;
        }
    }
}
