//! L'adresse du portail que la salle doit ouvrir : celle que le formateur a donnée au démarrage
//! (`--public-url`), sinon celle d'écoute du serveur, sinon, quand il écoute sur toutes les
//! interfaces, les adresses de la machine sur le réseau local, au choix du formateur. Jamais
//! celle que le navigateur du formateur a utilisée (l'en-tête Host) : une console ouverte sur
//! 127.0.0.1 projetterait un lien que les postes de la salle ne peuvent pas ouvrir.

use std::net::{IpAddr, SocketAddr};

/// Ce que le serveur sait de son adresse, au démarrage.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AdressesDuPortail {
    /// `--public-url` / `CHORUS_PUBLIC_URL`, sans barre finale.
    pub publique: Option<String>,
    /// Les adresses possibles pour la salle, la préférée d'abord (vide si `publique` est donnée).
    pub locales: Vec<String>,
    /// Le serveur n'écoute que sur la boucle locale : la salle ne peut pas le joindre.
    pub boucle_locale_seulement: bool,
}

impl AdressesDuPortail {
    /// L'adresse à projeter : la publique, sinon la `choix`-ième des adresses locales (la
    /// première par défaut).
    pub fn pour_la_salle(&self, choix: Option<usize>) -> String {
        if let Some(p) = &self.publique {
            return p.clone();
        }
        let i = choix.filter(|&i| i < self.locales.len()).unwrap_or(0);
        self.locales.get(i).cloned().unwrap_or_else(|| "http://127.0.0.1:8080".to_string())
    }

    /// Plusieurs adresses possibles, et aucune donnée au démarrage : le formateur choisit.
    pub fn a_choisir(&self) -> bool {
        self.publique.is_none() && self.locales.len() > 1
    }
}

/// Lit et contrôle `--public-url` : une adresse http(s) complète, sans chemin ni paramètre.
pub fn lire_adresse_publique(texte: &str) -> Result<String, String> {
    let t = texte.trim().trim_end_matches('/');
    let reste = t
        .strip_prefix("http://")
        .or_else(|| t.strip_prefix("https://"))
        .ok_or_else(|| format!("« {texte} » : l'adresse publique commence par http:// ou https://"))?;
    let valide = !reste.is_empty()
        && !reste.contains(['/', '?', '#', '@', ' '])
        && reste.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c));
    if !valide {
        return Err(format!(
            "« {texte} » n'est pas une adresse de serveur : écrivez par exemple http://192.168.1.20:8080"
        ));
    }
    Ok(t.to_string())
}

/// Les adresses du portail pour un serveur qui écoute sur `ecoute`, la machine ayant les
/// adresses réseau `interfaces` (boucle locale comprise).
pub fn adresses(ecoute: SocketAddr, publique: Option<String>, interfaces: &[IpAddr]) -> AdressesDuPortail {
    let port = ecoute.port();
    let url = |ip: IpAddr| match ip {
        IpAddr::V4(v4) => format!("http://{v4}:{port}"),
        IpAddr::V6(v6) => format!("http://[{v6}]:{port}"),
    };
    if publique.is_some() {
        return AdressesDuPortail { publique, locales: Vec::new(), boucle_locale_seulement: false };
    }
    let ip = ecoute.ip();
    if ip.is_loopback() {
        return AdressesDuPortail { publique, locales: vec![url(ip)], boucle_locale_seulement: true };
    }
    if !ip.is_unspecified() {
        return AdressesDuPortail { publique, locales: vec![url(ip)], boucle_locale_seulement: false };
    }
    // Toutes les interfaces : les adresses IPv4 du réseau local d'abord (celles qu'on tape), puis
    // les IPv6 ; jamais la boucle locale, ni les adresses IPv6 de lien (inutilisables dans un lien).
    let mut v4: Vec<IpAddr> =
        interfaces.iter().copied().filter(|a| a.is_ipv4() && !a.is_loopback()).collect();
    let v6 = interfaces.iter().copied().filter(|a| match a {
        IpAddr::V6(x) => !x.is_loopback() && !x.is_unicast_link_local() && ip.is_ipv6(),
        IpAddr::V4(_) => false,
    });
    v4.extend(v6);
    let mut locales: Vec<String> = v4.into_iter().map(url).collect();
    locales.dedup();
    let boucle_locale_seulement = locales.is_empty();
    if locales.is_empty() {
        locales.push(url(IpAddr::from([127, 0, 0, 1])));
    }
    AdressesDuPortail { publique, locales, boucle_locale_seulement }
}

/// Les adresses IP de la machine (une liste vide si le système ne les donne pas).
pub fn interfaces_de_la_machine() -> Vec<IpAddr> {
    if_addrs::get_if_addrs().map(|v| v.into_iter().map(|i| i.ip()).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn l_adresse_publique_prime_et_se_controle() {
        assert_eq!(
            lire_adresse_publique(" http://salle-b.cma.fr:8080/ ").unwrap(),
            "http://salle-b.cma.fr:8080"
        );
        assert_eq!(lire_adresse_publique("https://192.168.1.20").unwrap(), "https://192.168.1.20");
        for faux in [
            "192.168.1.20:8080",
            "http://",
            "http://a/b",
            "http://a?x=1",
            "javascript:alert(1)",
            "http://a b",
        ] {
            assert!(lire_adresse_publique(faux).is_err(), "{faux}");
        }
        let a = adresses("0.0.0.0:8080".parse().unwrap(), Some("http://salle".into()), &[ip("192.168.1.20")]);
        assert_eq!(a.pour_la_salle(None), "http://salle");
        assert!(!a.a_choisir());
    }

    #[test]
    fn sur_toutes_les_interfaces_les_adresses_du_reseau_local() {
        let machine = [ip("127.0.0.1"), ip("192.168.1.20"), ip("10.0.0.5"), ip("::1"), ip("fe80::1")];
        let a = adresses("0.0.0.0:8080".parse().unwrap(), None, &machine);
        assert_eq!(a.locales, ["http://192.168.1.20:8080", "http://10.0.0.5:8080"]);
        assert!(a.a_choisir() && !a.boucle_locale_seulement);
        assert_eq!(a.pour_la_salle(Some(1)), "http://10.0.0.5:8080");
        assert_eq!(a.pour_la_salle(Some(9)), "http://192.168.1.20:8080");
    }

    #[test]
    fn sur_la_boucle_locale_la_salle_ne_peut_pas_venir() {
        let a = adresses("127.0.0.1:8080".parse().unwrap(), None, &[ip("192.168.1.20")]);
        assert!(a.boucle_locale_seulement);
        assert_eq!(a.pour_la_salle(None), "http://127.0.0.1:8080");
        let a = adresses("192.168.1.20:9000".parse().unwrap(), None, &[]);
        assert_eq!(a.locales, ["http://192.168.1.20:9000"]);
        assert!(!a.boucle_locale_seulement);
    }
}
