//! La limite par adresse : un poste ne peut pas enchaîner les tentatives de connexion, les
//! codes de connexion faux ou les créations de compte. En plus du blocage de chaque compte
//! après 5 échecs, elle empêche qu'une même machine bloque en boucle les comptes de
//! démonstration ou ceux d'une classe. L'état est en mémoire (il repart de zéro au
//! redémarrage, ce qui suffit à une protection de débit) et se vide tout seul.

use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;

/// Ce qui est limité, et combien d'essais par fenêtre.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Essai {
    /// Un mot de passe faux (connexion au portail ou à la console).
    ConnexionRefusee,
    /// Un code de connexion faux.
    CodeFaux,
    /// Une création de compte (réussie ou non).
    CreationDeCompte,
}

impl Essai {
    /// Au plus `n` essais par `fenetre` depuis une même adresse.
    pub fn limite(self) -> (usize, Duration) {
        match self {
            Essai::ConnexionRefusee => (10, Duration::from_secs(10 * 60)),
            Essai::CodeFaux => (10, Duration::from_secs(10 * 60)),
            Essai::CreationDeCompte => (20, Duration::from_secs(60 * 60)),
        }
    }
}

#[derive(Default)]
pub struct Limiteur {
    essais: Mutex<HashMap<(IpAddr, Essai), VecDeque<Instant>>>,
}

impl Limiteur {
    /// L'adresse a-t-elle encore droit à un essai ? Sinon, dans combien de temps.
    pub fn attente(&self, adresse: IpAddr, essai: Essai) -> Option<Duration> {
        let (n, fenetre) = essai.limite();
        let maintenant = Instant::now();
        let mut essais = self.essais.lock().unwrap_or_else(|e| e.into_inner());
        let liste = essais.entry((adresse, essai)).or_default();
        while liste.front().is_some_and(|t| maintenant.duration_since(*t) > fenetre) {
            liste.pop_front();
        }
        (liste.len() >= n)
            .then(|| liste.front().map_or(fenetre, |t| fenetre.saturating_sub(maintenant.duration_since(*t))))
    }

    /// Compte un essai de l'adresse.
    pub fn noter(&self, adresse: IpAddr, essai: Essai) {
        let mut essais = self.essais.lock().unwrap_or_else(|e| e.into_inner());
        essais.entry((adresse, essai)).or_default().push_back(Instant::now());
    }

    /// Oublie ce qui est sorti de toutes les fenêtres (l'entretien du serveur l'appelle).
    pub fn oublier_l_ancien(&self) {
        let maintenant = Instant::now();
        let mut essais = self.essais.lock().unwrap_or_else(|e| e.into_inner());
        essais.retain(|(_, essai), liste| {
            let (_, fenetre) = essai.limite();
            liste.retain(|t| maintenant.duration_since(*t) <= fenetre);
            !liste.is_empty()
        });
    }
}

/// Le message d'un essai refusé par la limite.
pub fn message(attente: Duration) -> String {
    let minutes = attente.as_secs().div_ceil(60).max(1);
    format!(
        "Trop de tentatives depuis ce poste : par sécurité, attendez {minutes} minute(s) avant de recommencer. \
         Si vous avez oublié votre mot de passe, utilisez « Mot de passe oublié » ; en formation, demandez au formateur."
    )
}

/// L'adresse du client (celle de la connexion TCP) ; sans elle (tests en mémoire), une
/// adresse fixe.
pub struct AdresseClient(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for AdresseClient {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(AdresseClient(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip()),
        ))
    }
}
