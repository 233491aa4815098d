//! « Suivi du paiement » d'une facture (chaque date et chaque chiffre du délai global de
//! paiement avec l'article de loi d'où il vient) et « Suivi des paiements » : les factures en
//! retard ou proches de leur échéance. Chorus Pro ne calcule pas les délais : ces pages sont un
//! complément pédagogique du simulateur, et le disent.

use axum::extract::{Path, State};
use chorus_domain::Statut;
use chorus_domain::choix_simulateur::ChoixSimulateur;
use chorus_domain::delai_paiement::{
    Article, Interets, Interruption, NOUVEAU_DELAI_MINIMUM, Situation, SuiviPaiement, Suspension,
    SuspensionSansEffet,
};
use chorus_domain::montants::format_nombre;
use chorus_store::paiement::{self, ASurveiller, DepartDuDelai, EtatPaiement, SuiviFacture};
use chrono::NaiveDate;
use maud::{Markup, html};
use rust_decimal::Decimal;

use super::cours::marque_choix;
use super::{Contexte, gabarit, pastille};
use crate::erreur::AppError;
use crate::etat::AppState;
use crate::format;
use crate::session::Stagiaire;

/// La vue d'ensemble montre les échéances des 10 prochains jours.
pub const JOURS_A_VENIR: i64 = 10;

const AVERTISSEMENT: &str = "Chorus Pro ne calcule ni les délais ni les intérêts de retard : c'est à \
     l'acheteur de le faire. Ce suivi est un complément pédagogique du simulateur, pour comprendre \
     ce que la loi prévoit.";

pub async fn suivi(
    State(etat): State<AppState>,
    stagiaire: Stagiaire,
    Path(id): Path<String>,
) -> Result<Markup, AppError> {
    let (bac_id, sid) = (stagiaire.bac.id.clone(), stagiaire.structure.id.clone());
    let (s, etapes) = etat
        .lire(move |c, h| {
            let s = paiement::suivi_facture(c, &bac_id, &sid, &id, h)?;
            let etapes = if s.facture.facture.cadre.est_travaux() {
                chorus_store::travaux::historique(c, &bac_id, &id)?
            } else {
                Vec::new()
            };
            Ok((s, etapes))
        })
        .await?;
    let ctx = stagiaire.contexte(&etat.horloge);
    Ok(page_suivi(&ctx, &s, &etapes))
}

/// Les étapes d'un dossier de travaux : la réception par la MOE (le départ du délai) et ses 7
/// jours, la MOA, le service financier, la mise en paiement ; chaque date et chaque échéance.
fn etapes_travaux(etapes: &[(Statut, NaiveDate)], aujourd_hui: NaiveDate) -> Markup {
    use chorus_domain::travaux::{DELAI_MOE_JOURS, dernier_jour};
    let mut lignes: Vec<(&str, NaiveDate, String)> = Vec::new();
    let mut limite_moe: Option<NaiveDate> = None;
    for (statut, date) in etapes {
        let (quoi, echeance) = match statut {
            Statut::MiseADispositionMoe => {
                let l = dernier_jour(*date, DELAI_MOE_JOURS);
                limite_moe = Some(l);
                (
                    "Réception par la maîtrise d'œuvre (horodatée par Chorus Pro) : départ du délai",
                    format!("la MOE a jusqu'au {} (7 jours)", format::date_courte(l)),
                )
            }
            Statut::TransmiseMoa | Statut::AbsenceValidationMoeDelaiReglementaire => {
                let quoi = if *statut == Statut::TransmiseMoa {
                    "Transmise à la maîtrise d'ouvrage"
                } else {
                    "Silence de la MOE constaté par Chorus Pro"
                };
                let respecte = limite_moe.is_none_or(|l| *date <= l);
                (
                    quoi,
                    if respecte { "dans les 7 jours de la MOE" } else { "après les 7 jours de la MOE" }
                        .into(),
                )
            }
            Statut::MiseADispositionMoa => ("Reçue par la maîtrise d'ouvrage", String::new()),
            Statut::AAssocierFournisseur => {
                ("Décompte général notifié au titulaire", "30 jours pour le signer".into())
            }
            Statut::Associee => ("Décompte général et définitif déposé", String::new()),
            Statut::MiseADisposition => ("Reçue par le service financier", String::new()),
            Statut::MiseEnPaiement => ("Mise en paiement", String::new()),
            _ => continue,
        };
        lignes.push((quoi, *date, echeance));
    }
    let moe_en_retard = limite_moe.is_some_and(|l| {
        aujourd_hui > l
            && etapes
                .last()
                .is_some_and(|(s, _)| matches!(s, Statut::MiseADispositionMoe | Statut::PriseEnCompteMoe))
    });
    html! {
        section {
            h2 { "Les étapes du dossier de travaux" }
            @if moe_en_retard {
                div.alerte.alerte-attention { p { "La maîtrise d'œuvre a dépassé ses 7 jours : Chorus Pro transmet la pièce au maître d'ouvrage. "
                    "Le délai de paiement, lui, court toujours depuis sa réception par la MOE." } }
            }
            div.defilement tabindex="0" {
                table.tableau {
                    thead { tr { th scope="col" { "Étape" } th scope="col" { "Date" } th scope="col" { "Échéance" } } }
                    tbody {
                        @for (quoi, date, echeance) in &lignes {
                            tr { td { (quoi) } td { (format::date_courte(*date)) } td { @if echeance.is_empty() { "—" } @else { (echeance) } } }
                        }
                    }
                }
            }
        }
    }
}

fn jours(n: i64) -> String {
    if n.abs() <= 1 { format!("{n} jour") } else { format!("{n} jours") }
}

fn pourcentage(taux: Decimal) -> String {
    format!("{} %", format_nombre(taux, 0))
}

/// L'ancre d'un article dans la liste « Les articles cités » (`art-R2192-11_1_`).
fn ancre(a: Article) -> String {
    let numero: String =
        a.numero().chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
    format!("art-{numero}")
}

/// Les articles d'une ligne, chacun renvoyant à sa règle plus bas (la répéter à chaque ligne
/// noierait le tableau).
fn source(articles: &[Article]) -> Markup {
    html! {
        @for (i, a) in articles.iter().enumerate() {
            @if i > 0 { ", " }
            a href={ "#" (ancre(*a)) } title=(a.regle()) { "art. " (a.numero()) }
        }
    }
}

fn ligne(element: &str, valeur: Markup, articles: &[Article]) -> Markup {
    html! {
        tr {
            th scope="row" { (element) }
            td { (valeur) }
            td { @if articles.is_empty() { "—" } @else { (source(articles)) } }
        }
    }
}

fn etiquette_situation(s: Situation) -> Markup {
    match s {
        Situation::EnCours { jours_restants } => html! {
            span.etiquette.etiquette-neutre { (jours(jours_restants)) " avant l'échéance" }
        },
        Situation::Interrompu => html! { span.etiquette { "Délai interrompu (suspendue)" } },
        Situation::EnRetard { jours: n } => html! {
            span.etiquette.etiquette-rouge { (jours(n)) " de retard, pas encore payée" }
        },
        Situation::PayeeDansLeDelai => html! { span.etiquette.etiquette-neutre { "Payée dans le délai" } },
        Situation::PayeeEnRetard { jours: n } => html! {
            span.etiquette.etiquette-rouge { "Payée avec " (jours(n)) " de retard" }
        },
    }
}

fn page_suivi(ctx: &Contexte<'_>, s: &SuiviFacture, etapes: &[(Statut, NaiveDate)]) -> Markup {
    let f = &s.facture;
    let numero = &f.facture.numero;
    let travaux = f.facture.cadre.est_travaux();
    let retour =
        if travaux { format!("/factures-de-travaux/{}", f.id) } else { format!("/factures-emises/{}", f.id) };
    gabarit(
        &format!("Suivi du paiement de la facture {numero}"),
        Some(&ctx.stagiaire.csrf),
        Some(ctx),
        html! {
            p { a href=(retour) { @if travaux { "← Dossier n° " } @else { "← Facture n° " } (numero) } }
            h1 { "Suivi du paiement — facture n° " (numero) " " (pastille(f.statut)) }
            p.aide { (AVERTISSEMENT) " " (marque_choix(ChoixSimulateur::SuiviDuDelai)) }
            dl.fiche {
                dt { "Destinataire" }
                dd {
                    @if f.raison_sociale_destinataire.is_empty() { "—" } @else { (f.raison_sociale_destinataire) }
                    " " small.nombre { "(" (f.facture.destinataire) ")" }
                }
                dt { "Montant TTC à payer" } dd.nombre { (format::euros(f.montant_a_payer())) }
                dt { "Date simulée du jour" } dd { (format::date_courte(ctx.date_simulee)) }
            }
            @match &s.etat {
                EtatPaiement::NonTransmise => {
                    div.alerte.alerte-attention { p {
                        "Cette facture est un brouillon : elle n'a pas été envoyée, aucun délai de paiement ne court. "
                        "Ouvrez-la et cliquez sur « Valider et envoyer »."
                    } }
                }
                EtatPaiement::EnAttente(statut) if statut.est_de_validation() => {
                    div.alerte.alerte-info { p {
                        "Statut « " (statut.libelle()) " » : la facture attend son valideur. Pour un sous-traitant payé "
                        "directement, le délai de paiement partira du jour où l'acheteur recevra l'accord du titulaire, "
                        "ou de la fin des 15 jours qu'il a pour répondre (art. " (Article::DepartSousTraitant.numero()) ")."
                    } }
                }
                EtatPaiement::EnAttente(statut) if travaux => {
                    div.alerte.alerte-info { p {
                        "Statut « " (statut.libelle()) " » : le délai de paiement partira de la réception de la pièce par la "
                        "maîtrise d'œuvre, horodatée par Chorus Pro (art. " (Article::Depart.numero()) ")."
                    } }
                }
                EtatPaiement::EnAttente(statut) => {
                    div.alerte.alerte-info { p {
                        "Statut « " (statut.libelle()) " » : le délai de paiement partira de la mise à disposition "
                        "du destinataire (art. " (Article::Depart.numero()) "), qui n'a pas encore eu lieu."
                    } }
                }
                EtatPaiement::RefuseeParLeValideur(le) => {
                    div.alerte.alerte-attention { p {
                        "Cette facture a été refusée par son valideur le " (format::date_courte(*le)) " : elle ne sera "
                        "pas payée et aucun délai ne court. Réglez le désaccord avec lui, puis déposez une nouvelle "
                        "facture, avec un nouveau numéro."
                    } }
                }
                EtatPaiement::Rejetee(le) => {
                    div.alerte.alerte-attention { p {
                        "Cette facture a été rejetée le " (format::date_courte(*le)) " : elle ne sera pas payée et "
                        "aucun délai ne court. Émettez une nouvelle facture, avec un nouveau numéro."
                    } }
                }
                EtatPaiement::Avoir => {
                    div.alerte.alerte-info { p {
                        "Cette pièce est un avoir : elle n'est jamais payée. Elle diminue ce que l'acheteur vous doit "
                        "au titre de la facture d'origine n° " (f.facture.numero_facture_origine) ". "
                        "Un avoir n'a ni délai de paiement, ni échéance, ni intérêts moratoires. "
                        "L'acheteur simulé l'enregistre (« Comptabilisée ») et s'arrête là "
                        (marque_choix(ChoixSimulateur::TraitementAvoir)) "."
                    } }
                }
                EtatPaiement::Suivie(suivi) => { (detail(suivi, s.delai_jours, s.recyclee, s.depart)) }
            }
            @if travaux { (etapes_travaux(etapes, ctx.date_simulee)) }
        },
    )
}

fn resume(s: &SuiviPaiement) -> Markup {
    let echeance = s.echeance.map(format::date_courte).unwrap_or_default();
    let (classe, texte) = match s.situation() {
        Situation::EnCours { jours_restants } => (
            "alerte-info",
            format!("Échéance le {echeance} : il reste {} à l'acheteur pour payer.", jours(jours_restants)),
        ),
        Situation::Interrompu => (
            "alerte-attention",
            "La facture est suspendue : le délai de paiement est arrêté. Complétez-la (pièce jointe, \
             commentaire) : un nouveau délai s'ouvrira à la complétion."
                .to_string(),
        ),
        Situation::EnRetard { jours: n } => (
            "alerte-attention",
            format!(
                "L'échéance du {echeance} est dépassée de {} : des intérêts moratoires courent, et l'indemnité \
                 de 40 € est due.",
                jours(n)
            ),
        ),
        Situation::PayeeDansLeDelai => {
            ("alerte-info", "La facture a été mise en paiement dans le délai : rien à réclamer.".to_string())
        }
        Situation::PayeeEnRetard { jours: n } => (
            "alerte-attention",
            format!(
                "La facture a été mise en paiement avec {} de retard : l'acheteur vous doit des intérêts \
                 moratoires et l'indemnité de 40 €, sans que vous ayez à les demander.",
                jours(n)
            ),
        ),
    };
    html! { div class={ "alerte " (classe) } role="status" { p { (etiquette_situation(s.situation())) " " (texte) } } }
}

fn detail(s: &SuiviPaiement, delai_jours: u16, recyclee: bool, depart: DepartDuDelai) -> Markup {
    let delai = s.article_delai;
    let (libelle_depart, article_depart) = match depart {
        DepartDuDelai::MiseADisposition => {
            ("Départ du délai : mise à disposition du destinataire", Article::Depart)
        }
        DepartDuDelai::AccordDuValideur(_) => (
            "Départ du délai : l'acheteur reçoit l'accord du titulaire (sous-traitant payé directement)",
            Article::DepartSousTraitant,
        ),
        DepartDuDelai::ExpirationDuDelaiDeValidation(_) => (
            "Départ du délai : fin des 15 jours laissés au titulaire, sans réponse (sous-traitant payé directement)",
            Article::DepartSousTraitant,
        ),
        DepartDuDelai::ReceptionMoe(_) => (
            "Départ du délai : réception du projet de décompte par la maîtrise d'œuvre, horodatée par Chorus Pro",
            Article::Depart,
        ),
        DepartDuDelai::ReceptionDgd(_) => (
            "Départ du délai : réception du décompte général et définitif par le maître d'ouvrage",
            Article::DepartSolde,
        ),
    };
    let sources_depart = [article_depart];
    let sources_echeance: &[Article] =
        if s.interruption.is_some() { &[Article::NouveauDelai] } else { &[article_depart, delai] };
    html! {
        (resume(s))
        section {
            h2 { "Le délai global de paiement, date par date" }
            div.defilement tabindex="0" {
                table.tableau {
                    thead { tr {
                        th scope="col" { "Élément" } th scope="col" { "Date ou chiffre" } th scope="col" { "D'où ça vient" }
                    } }
                    tbody {
                        (ligne(
                            libelle_depart,
                            html! {
                                (format::date_courte(s.debut))
                                @if recyclee {
                                    br; small { "Après le recyclage : la mise à disposition au bon destinataire "
                                        (marque_choix(ChoixSimulateur::DepartApresRecyclage)) }
                                }
                            },
                            &sources_depart,
                        ))
                        (ligne("Délai réglementaire du destinataire", html! { (jours(i64::from(delai_jours))) }, &[delai]))
                        (ligne(
                            "Échéance sans suspension",
                            html! { (format::date_courte(s.echeance_initiale)) " (" (format::date_courte(s.debut)) " + " (jours(i64::from(delai_jours))) ")" },
                            &[article_depart, delai],
                        ))
                        @if let Some(i) = &s.interruption { (lignes_interruption(i)) }
                        @for (susp, motif) in &s.suspensions_sans_effet { (ligne_sans_effet(susp, *motif)) }
                        (ligne(
                            "Échéance",
                            html! { @match s.echeance {
                                Some(e) => strong { (format::date_courte(e)) },
                                None => "aucune tant que la facture n'est pas complétée",
                            } },
                            sources_echeance,
                        ))
                        (ligne(
                            "Mise en paiement",
                            html! { @match s.mise_en_paiement {
                                Some(m) => (format::date_courte(m)),
                                None => "pas encore",
                            } },
                            &[],
                        ))
                        (ligne("Situation", etiquette_situation(s.situation()), &[]))
                        @if let Some(im) = &s.interets { (lignes_interets(im)) }
                    }
                }
            }
        }
        section {
            h2 { "Les articles cités" }
            p.aide { "Code de la commande publique. Ce que le simulateur fait là où les textes se taisent : "
                a href="/choix-du-simulateur" { "les choix du simulateur" } "." }
            dl.fiche {
                @for a in Article::TOUS {
                    dt id=(ancre(a)) { "art. " (a.numero()) } dd { (a.regle()) }
                }
            }
        }
    }
}

fn lignes_interruption(i: &Interruption) -> Markup {
    html! {
        (ligne(
            "Suspension : le délai s'arrête",
            html! { (format::date_courte(i.suspendue_le)) " — " (jours(i.jours_ecoules)) " du délai déjà écoulés" },
            &[Article::Interruption],
        ))
        (ligne(
            "Solde restant à courir à la date de la suspension",
            html! { (jours(i.solde)) },
            &[Article::NouveauDelai],
        ))
        (ligne(
            "Complétion : un nouveau délai s'ouvre",
            html! { @match i.completee_le {
                Some(c) => { (format::date_courte(c)) @if let Some(n) = i.jours_arretes { " — délai arrêté pendant " (jours(n)) } },
                None => "pas encore : le délai reste arrêté",
            } },
            &[Article::NouveauDelai],
        ))
        (ligne(
            "Nouveau délai",
            html! {
                (jours(i.nouveau_delai))
                @if i.solde > NOUVEAU_DELAI_MINIMUM { " : le solde, plus long que 30 jours" } @else { " : 30 jours, le solde étant plus court" }
            },
            &[Article::NouveauDelai],
        ))
    }
}

fn ligne_sans_effet(s: &Suspension, motif: SuspensionSansEffet) -> Markup {
    ligne(
        "Suspension sans effet sur le délai",
        html! { (format::date_courte(s.suspendue_le)) " — " (motif.explication()) " " (marque_choix(ChoixSimulateur::SuspensionEtEcheance)) },
        &[Article::Interruption],
    )
}

fn lignes_interets(im: &Interets) -> Markup {
    html! {
        (ligne(
            "Jours de retard",
            html! {
                strong { (jours(im.jours)) } ", du " (format::date_courte(im.premier_jour)) " au " (format::date_courte(im.dernier_jour))
                @if im.provisoire { " (à ce jour : la facture n'est pas encore payée, le compteur tourne)" } @else { " (mise en paiement incluse)" }
            },
            &[Article::Retard],
        ))
        (ligne(
            "Taux des intérêts moratoires",
            html! { @match &im.taux {
                Some(t) => {
                    strong { (pourcentage(t.taux)) } " = taux de la BCE au " (format::date_courte(t.semestre)) " ("
                    (pourcentage(t.ligne.taux_bce)) ") + 8 points"
                    @if t.semestre_absent {
                        br; small { "Ce semestre n'est pas encore dans la table des taux : le dernier taux connu (semestre du "
                            (format::date_courte(t.ligne.debut)) ") est utilisé en attendant." }
                    }
                    @if t.ligne.a_verifier { br; small { "Taux à vérifier : pas encore confirmé par la publication officielle." } }
                },
                None => "inconnu : la table des taux ne couvre pas ce semestre",
            } },
            &[Article::Taux],
        ))
        (ligne(
            "Intérêts moratoires",
            html! { @match (&im.taux, im.montant) {
                (Some(t), Some(m)) => {
                    (format::euros(im.montant_ttc)) " × " (im.jours) " j × " (pourcentage(t.taux)) " ÷ 365 = "
                    strong { (format::euros(m)) } " " (marque_choix(ChoixSimulateur::CalculInterets))
                },
                _ => "non calculables sans taux",
            } },
            &[Article::Retard, Article::Taux],
        ))
        (ligne("Indemnité forfaitaire pour frais de recouvrement", html! { (format::euros(im.indemnite_forfaitaire)) }, &[Article::IndemniteForfaitaire]))
        (ligne(
            "Total dû par l'acheteur en plus de la facture",
            html! { @match im.total {
                Some(t) => { strong { (format::euros(t)) } @if im.provisoire { " à ce jour" } },
                None => { (format::euros(im.indemnite_forfaitaire)) " + intérêts" },
            } },
            &[],
        ))
        (ligne(
            "À verser au plus tard le",
            html! { @match im.a_verser_avant {
                Some(d) => (format::date_courte(d)),
                None => "45 jours après la mise en paiement de la facture",
            } },
            &[Article::VersementInterets],
        ))
    }
}

pub async fn vue_ensemble(State(etat): State<AppState>, stagiaire: Stagiaire) -> Result<Markup, AppError> {
    let (bac_id, sid) = (stagiaire.bac.id.clone(), stagiaire.structure.id.clone());
    let factures = etat.lire(move |c, h| paiement::a_surveiller(c, &bac_id, &sid, JOURS_A_VENIR, h)).await?;
    let ctx = stagiaire.contexte(&etat.horloge);
    let en_retard: Vec<&ASurveiller> =
        factures.iter().filter(|f| matches!(f.situation(), Situation::EnRetard { .. })).collect();
    let bientot: Vec<&ASurveiller> =
        factures.iter().filter(|f| matches!(f.situation(), Situation::EnCours { .. })).collect();
    let payees: Vec<&ASurveiller> =
        factures.iter().filter(|f| matches!(f.situation(), Situation::PayeeEnRetard { .. })).collect();
    Ok(gabarit(
        "Suivi des paiements",
        Some(&stagiaire.csrf),
        Some(&ctx),
        html! {
            h1 { "Suivi des paiements" }
            p.aide { (AVERTISSEMENT) " " (marque_choix(ChoixSimulateur::SuiviDuDelai)) }
            @if factures.is_empty() {
                p.vide {
                    "Aucune facture en retard ni attendue dans les " (JOURS_A_VENIR) " prochains jours. "
                    a href="/factures-emises" { "Voir toutes les factures émises" }
                }
            }
            (tableau("Factures en retard", "Pas encore payées alors que l'échéance est passée : les intérêts courent.", &en_retard))
            (tableau(
                &format!("Échéance dans les {JOURS_A_VENIR} prochains jours"),
                "L'acheteur doit les mettre en paiement d'ici leur échéance.",
                &bientot,
            ))
            (tableau(
                "Payées en retard : intérêts et indemnité dus",
                "L'acheteur doit vous les verser dans les 45 jours suivant la mise en paiement (art. R2192-36).",
                &payees,
            ))
        },
    ))
}

fn tableau(titre: &str, aide: &str, factures: &[&ASurveiller]) -> Markup {
    html! {
        @if !factures.is_empty() {
            section {
                h2 { (titre) " (" (factures.len()) ")" }
                p.aide { (aide) }
                div.defilement tabindex="0" {
                    table.tableau {
                        thead { tr {
                            th scope="col" { "N° de facture" } th scope="col" { "Destinataire" }
                            th scope="col" { "Montant TTC" } th scope="col" { "Échéance" }
                            th scope="col" { "Situation" } th scope="col" { "Intérêts + 40 €" }
                            th scope="col" { "Statut" }
                        } }
                        tbody {
                            @for f in factures {
                                tr {
                                    td { a href={ "/factures-emises/" (f.id) "/suivi-paiement" } { (f.numero) } }
                                    td { (f.raison_sociale_destinataire) }
                                    td.nombre { (format::euros(f.montant_ttc)) }
                                    td { (date_ou_tiret(f.suivi.echeance)) }
                                    td { (etiquette_situation(f.situation())) }
                                    td.nombre {
                                        @match f.suivi.interets.as_ref() {
                                            Some(im) => @match im.total {
                                                Some(t) => (format::euros(t)),
                                                None => "taux inconnu",
                                            },
                                            None => "—",
                                        }
                                    }
                                    td { (pastille(f.statut)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn date_ou_tiret(d: Option<NaiveDate>) -> String {
    d.map_or_else(|| "—".to_string(), format::date_courte)
}
