//! Starting and stopping the chorus-sandbox binary under test.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::{Child, Command};

/// A release build seeds its demo data in well under a second; a cold debug build on a
/// loaded 2-core machine can take much longer, hence the generous limit.
const DELAI_DEMARRAGE: Duration = Duration::from_secs(30);

/// The server's last output lines, shown when it fails to start.
type Journal = Arc<Mutex<Vec<String>>>;

/// A running server. Dropping it kills the process (`kill_on_drop`) and removes its
/// temporary data directory, so an early `?` in the benchmark leaves nothing behind.
pub struct Serveur {
    processus: Child,
    pub url: String,
    journal: Journal,
    _donnees: tempfile::TempDir,
}

impl Serveur {
    /// Starts `binaire serve --addr 127.0.0.1:0 --data <tempdir>` and waits for the line
    /// `Simulateur prêt : http://…/`: port 0 lets several runs share the machine.
    pub async fn demarrer(binaire: &Path) -> Result<Serveur, String> {
        let donnees = tempfile::tempdir().map_err(|e| format!("dossier temporaire : {e}"))?;
        Serveur::demarrer_dans(binaire, donnees).await
    }

    /// The same, on a data folder already populated (removed when the server is dropped).
    pub async fn demarrer_dans(binaire: &Path, donnees: tempfile::TempDir) -> Result<Serveur, String> {
        let mut processus = Command::new(binaire)
            .args(["serve", "--addr", "127.0.0.1:0", "--data"])
            .arg(donnees.path())
            .env_remove("CHORUS_ADDR")
            .env_remove("CHORUS_DATA")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("lancement de {} : {e}", binaire.display()))?;

        let journal: Journal = Arc::default();
        let (tx_url, rx_url) = tokio::sync::oneshot::channel();
        let sortie = processus.stdout.take().expect("stdout redirigé");
        let erreurs = processus.stderr.take().expect("stderr redirigé");
        tokio::spawn(vider(sortie, journal.clone(), Some(tx_url)));
        tokio::spawn(vider(erreurs, journal.clone(), None));

        match tokio::time::timeout(DELAI_DEMARRAGE, rx_url).await {
            Ok(Ok(url)) => Ok(Serveur { processus, url, journal, _donnees: donnees }),
            Ok(Err(_)) => Err(format!(
                "le serveur s'est arrêté sans annoncer « Simulateur prêt ». Dernières lignes :\n{}",
                dernieres_lignes(&journal)
            )),
            Err(_) => Err(format!(
                "le serveur n'a pas annoncé « Simulateur prêt » en {} s. Dernières lignes :\n{}",
                DELAI_DEMARRAGE.as_secs(),
                dernieres_lignes(&journal)
            )),
        }
    }

    /// The server's data folder.
    pub fn donnees(&self) -> &Path {
        self._donnees.path()
    }

    /// The first trainer's e-mail and one-time password, printed once after « Simulateur
    /// prêt » on fresh data.
    pub async fn premier_formateur(&self) -> Result<(String, String), String> {
        for _ in 0..50 {
            let trouve = self.journal.lock().expect("journal").iter().find_map(|l| identifiants_formateur(l));
            if let Some(f) = trouve {
                return Ok(f);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(format!("le serveur n'a pas affiché le premier formateur :\n{}", dernieres_lignes(&self.journal)))
    }

    /// The server process, to read its memory.
    pub fn pid(&self) -> Option<u32> {
        self.processus.id()
    }

    /// Asks for a clean stop (SIGTERM, as systemd or a trainer's Ctrl-C would), then kills.
    pub async fn arreter(mut self) {
        if let Some(pid) = self.processus.id() {
            // The shell builtin: /bin/kill (procps) is not on every minimal Debian.
            let _ = Command::new("sh").args(["-c", "kill -TERM \"$0\"", &pid.to_string()]).status().await;
        }
        let arret = tokio::time::timeout(Duration::from_secs(10), self.processus.wait()).await;
        if arret.is_err() {
            eprintln!("le serveur ne s'est pas arrêté sur SIGTERM en 10 s : arrêt forcé");
            let _ = self.processus.kill().await;
        }
    }
}

/// The binary next to this executable: `cargo build --release -p chorus-web -p chorus-bench`
/// puts both in target/release.
pub fn binaire_par_defaut() -> Result<PathBuf, String> {
    let moi = std::env::current_exe().map_err(|e| e.to_string())?;
    Ok(moi.with_file_name(format!("chorus-sandbox{}", std::env::consts::EXE_SUFFIX)))
}

/// Reads a pipe to its end: the server must never block on a full pipe during the
/// measures, and its output is kept (bounded) for error messages.
async fn vider(
    flux: impl AsyncRead + Unpin,
    journal: Journal,
    mut annonce: Option<tokio::sync::oneshot::Sender<String>>,
) {
    let mut lignes = BufReader::new(flux).lines();
    while let Ok(Some(ligne)) = lignes.next_line().await {
        if let Some(url) = url_annoncee(&ligne)
            && let Some(tx) = annonce.take()
        {
            let _ = tx.send(url);
        }
        let mut journal = journal.lock().expect("journal");
        if journal.len() >= 50 {
            journal.remove(0);
        }
        journal.push(ligne);
    }
}

/// `Simulateur prêt : http://127.0.0.1:PORT/` → `http://127.0.0.1:PORT/`.
fn url_annoncee(ligne: &str) -> Option<String> {
    if !ligne.contains("Simulateur prêt") {
        return None;
    }
    let debut = ligne.find("http://")?;
    let url = ligne[debut..].split_whitespace().next()?;
    Some(url.to_string())
}

/// `  formateur@… — mot de passe à usage unique : XYZ (affiché une seule fois)`.
fn identifiants_formateur(ligne: &str) -> Option<(String, String)> {
    let (email, reste) = ligne.split_once(" — mot de passe à usage unique : ")?;
    let mot_de_passe = reste.split(" (").next()?.trim();
    Some((email.trim().to_string(), mot_de_passe.to_string()))
}

fn dernieres_lignes(journal: &Journal) -> String {
    journal.lock().expect("journal").join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lit_l_url_annoncee() {
        assert_eq!(
            url_annoncee("Simulateur prêt : http://127.0.0.1:41234/").as_deref(),
            Some("http://127.0.0.1:41234/")
        );
        assert_eq!(
            url_annoncee("Simulateur prêt\u{202f}: http://127.0.0.1:8080/ (Ctrl-C pour arrêter)").as_deref(),
            Some("http://127.0.0.1:8080/")
        );
        assert_eq!(url_annoncee("Identifiant : formation1@exemple.fr"), None);
        assert_eq!(
            identifiants_formateur(
                "  formateur@exemple.fr — mot de passe à usage unique : Ab-12 cd (affiché une seule fois)"
            ),
            Some(("formateur@exemple.fr".to_string(), "Ab-12 cd".to_string()))
        );
    }
}
