//! Lecture des corps JSON de l'API, champ par champ, avec le chemin du champ dans chaque
//! message (« references.typeFacture », « lignePoste[2].lignePosteQuantite ») : un champ de
//! type inattendu est dit en français, jamais par le message anglais d'une bibliothèque. Les
//! champs inconnus sont ignorés (un logiciel envoie souvent plus que ce que le simulateur lit).

use serde_json::{Map, Value};

use crate::erreur::AppError;

/// Un objet JSON et l'endroit où il se trouve dans le corps de la requête.
pub struct Objet<'a> {
    champs: Option<&'a Map<String, Value>>,
    chemin: String,
}

fn type_de(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "un booléen",
        Value::Number(_) => "un nombre",
        Value::String(_) => "un texte",
        Value::Array(_) => "une liste",
        Value::Object(_) => "un objet",
    }
}

impl<'a> Objet<'a> {
    /// Le corps entier, qui doit être un objet (`exemple` montre lequel).
    pub fn racine(v: &'a Value, exemple: &str) -> Result<Objet<'a>, AppError> {
        match v {
            Value::Object(m) => Ok(Objet { champs: Some(m), chemin: String::new() }),
            Value::Null => Err(AppError::Requete(format!(
                "Le corps de la requête est vide : envoyez un objet JSON, par exemple {exemple}"
            ))),
            autre => Err(AppError::Requete(format!(
                "Le corps de la requête doit être un objet JSON (et non {}), par exemple {exemple}",
                type_de(autre)
            ))),
        }
    }

    /// Le corps d'une requête qui n'attend rien : vide ou `{}`.
    pub fn facultatif(v: &'a Value) -> Result<Objet<'a>, AppError> {
        match v {
            Value::Null => Ok(Objet { champs: None, chemin: String::new() }),
            _ => Objet::racine(v, "{}"),
        }
    }

    fn chemin_de(&self, nom: &str) -> String {
        if self.chemin.is_empty() { nom.to_string() } else { format!("{}.{nom}", self.chemin) }
    }

    fn valeur(&self, nom: &str) -> Option<&'a Value> {
        self.champs.and_then(|m| m.get(nom)).filter(|v| !v.is_null())
    }

    fn refus(&self, nom: &str, attendu: &str, v: &Value) -> AppError {
        AppError::Requete(format!(
            "Le champ « {} » doit être {attendu}, et non {}",
            self.chemin_de(nom),
            type_de(v)
        ))
    }

    /// Un texte ; absent ou `null` : texte vide. Un nombre, un booléen ou un objet à la place
    /// d'un texte est refusé (400), jamais converti en silence.
    pub fn texte(&self, nom: &str) -> Result<String, AppError> {
        match self.valeur(nom) {
            None => Ok(String::new()),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(v) => Err(self.refus(nom, "un texte", v)),
        }
    }

    /// Un montant, une quantité, un taux ou un numéro : un nombre est accepté tel qu'écrit, comme
    /// un texte ; absent ou `null` : texte vide.
    pub fn texte_ou_nombre(&self, nom: &str) -> Result<String, AppError> {
        match self.valeur(nom) {
            None => Ok(String::new()),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(Value::Number(n)) => Ok(n.to_string()),
            Some(v) => Err(self.refus(nom, "un texte ou un nombre", v)),
        }
    }

    /// Un texte obligatoire.
    pub fn texte_requis(&self, nom: &str, quoi: &str) -> Result<String, AppError> {
        let t = self.texte(nom)?;
        if t.trim().is_empty() {
            return Err(AppError::Requete(format!(
                "Le champ « {} » est obligatoire : {quoi}",
                self.chemin_de(nom)
            )));
        }
        Ok(t)
    }

    /// Un texte ou un nombre obligatoire (un code, ou son numéro).
    pub fn texte_ou_nombre_requis(&self, nom: &str, quoi: &str) -> Result<String, AppError> {
        let t = self.texte_ou_nombre(nom)?;
        if t.trim().is_empty() {
            return Err(AppError::Requete(format!(
                "Le champ « {} » est obligatoire : {quoi}",
                self.chemin_de(nom)
            )));
        }
        Ok(t)
    }

    /// Un nombre entier positif (ou un texte qui en contient un) ; absent : `None`.
    pub fn entier(&self, nom: &str) -> Result<Option<u32>, AppError> {
        let Some(v) = self.valeur(nom) else { return Ok(None) };
        let lu = match v {
            Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        };
        lu.map(Some).ok_or_else(|| self.refus(nom, "un nombre entier positif", v))
    }

    /// Un objet imbriqué ; absent ou `null` : un objet vide.
    pub fn objet(&self, nom: &str) -> Result<Objet<'a>, AppError> {
        let chemin = self.chemin_de(nom);
        match self.valeur(nom) {
            None => Ok(Objet { champs: None, chemin }),
            Some(Value::Object(m)) => Ok(Objet { champs: Some(m), chemin }),
            Some(v) => Err(self.refus(nom, "un objet", v)),
        }
    }

    /// Une liste d'objets ; absente ou `null` : vide.
    pub fn liste(&self, nom: &str) -> Result<Vec<Objet<'a>>, AppError> {
        match self.valeur(nom) {
            None => Ok(Vec::new()),
            Some(Value::Array(elements)) => elements
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    let chemin = format!("{}[{i}]", self.chemin_de(nom));
                    match e {
                        Value::Object(m) => Ok(Objet { champs: Some(m), chemin }),
                        autre => Err(AppError::Requete(format!(
                            "L'élément « {chemin} » doit être un objet, et non {}",
                            type_de(autre)
                        ))),
                    }
                })
                .collect(),
            Some(v) => Err(self.refus(nom, "une liste", v)),
        }
    }
}
