// Améliorations facultatives : tout fonctionne sans JavaScript.
(function () {
  "use strict";
  // Sur un petit écran, les menus et les liens de la barre de formation se replient derrière
  // le bouton « Menu » (sans JavaScript, ils restent dépliés).
  document.documentElement.classList.add("js");
  var boutonMenu = document.querySelector(".bouton-menu");
  var menus = document.getElementById("menus");
  if (boutonMenu && menus) {
    boutonMenu.hidden = false;
    boutonMenu.addEventListener("click", function () {
      var ouverts = menus.classList.toggle("ouverts");
      var liens = document.getElementById("liens-formation");
      if (liens) { liens.classList.toggle("ouverts", ouverts); }
      boutonMenu.setAttribute("aria-expanded", ouverts ? "true" : "false");
    });
  }
  // Sur un petit écran, les onglets défilent : l'onglet de la page est ramené en vue.
  var actif = document.querySelector(".onglets .onglet-actif");
  if (actif && actif.parentNode.scrollWidth > actif.parentNode.clientWidth) {
    actif.parentNode.scrollLeft = actif.offsetLeft - actif.parentNode.offsetLeft - 8;
  }
  // Après une saisie refusée, on place le focus sur le résumé des erreurs (lecteurs d'écran).
  var resume = document.getElementById("resume-erreurs");
  if (resume) { resume.focus(); }

  // « Ajouter une ligne » : copie la dernière ligne vide du tableau des lignes.
  var tableau = document.getElementById("lignes-facture");
  if (tableau) {
    var bouton = document.createElement("button");
    bouton.type = "button";
    bouton.className = "bouton";
    bouton.textContent = "Ajouter une ligne";
    bouton.addEventListener("click", function () {
      var corps = tableau.tBodies[0];
      var modele = corps.rows[corps.rows.length - 1];
      var copie = modele.cloneNode(true);
      var n = corps.rows.length + 1;
      copie.querySelectorAll("input").forEach(function (e) { e.value = ""; e.removeAttribute("aria-invalid"); });
      copie.querySelectorAll("p.message-erreur").forEach(function (e) { e.remove(); });
      copie.querySelectorAll("[id]").forEach(function (e) { e.id = e.id.replace(/-\d+$/, "-" + n); });
      copie.querySelectorAll("label[for]").forEach(function (e) {
        e.htmlFor = e.htmlFor.replace(/-\d+$/, "-" + n);
        e.textContent = e.textContent.replace(/\(ligne \d+\)/, "(ligne " + n + ")");
      });
      corps.appendChild(copie);
      var premier = copie.querySelector("input");
      if (premier) { premier.focus(); }
    });
    tableau.parentNode.insertAdjacentElement("afterend", bouton);
  }

  // Actions qui effacent le travail des stagiaires : une confirmation avant d'envoyer.
  document.querySelectorAll("button[data-confirmer]").forEach(function (b) {
    b.addEventListener("click", function (e) {
      if (!window.confirm(b.getAttribute("data-confirmer"))) { e.preventDefault(); }
    });
  });
  // Le même attribut sur un formulaire : la confirmation vaut pour tous ses boutons.
  document.querySelectorAll("form[data-confirmer]").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (!window.confirm(f.getAttribute("data-confirmer"))) { e.preventDefault(); }
    });
  });
  // Suivi en direct de la classe : le serveur pousse la grille à chaque changement ; on ne
  // remplace que les chiffres (data-direct), pour ne pas effacer un message en cours
  // d'écriture. Une ligne nouvelle (un stagiaire arrive) demande la grille entière.
  var suivi = document.getElementById("suivi-direct");
  if (suivi && window.EventSource) {
    var source = new EventSource(suivi.getAttribute("data-flux"));
    source.addEventListener("grille", function (e) {
      var modele = document.createElement("template");
      modele.innerHTML = e.data;
      var parties = Array.prototype.slice.call(modele.content.querySelectorAll("[data-direct]"));
      var connues = parties.every(function (p) { return document.getElementById(p.id); });
      var saisie = suivi.querySelector("details[open]");
      if (connues || saisie) {
        parties.forEach(function (p) {
          var ancienne = document.getElementById(p.id);
          if (ancienne) { ancienne.replaceWith(p); }
        });
      } else {
        suivi.replaceChildren(modele.content);
      }
    });
  }
  // Émargement : la signature se dessine dans le cadre (souris, doigt ou stylet) ; le tracé
  // part dans le champ caché « trace » en « M x y L x y … », entiers bornés par le cadre.
  document.querySelectorAll("[data-signature]").forEach(function (zone) {
    var toile = zone.querySelector("canvas");
    var champ = zone.querySelector("input[name=trace]");
    if (!toile || !champ || !toile.getContext) { return; }
    zone.hidden = false;
    var ctx = toile.getContext("2d");
    ctx.lineWidth = 3;
    ctx.lineCap = "round";
    var traits = [];
    var enCours = null;
    function point(e) {
      var r = toile.getBoundingClientRect();
      var x = Math.round((e.clientX - r.left) * toile.width / r.width);
      var y = Math.round((e.clientY - r.top) * toile.height / r.height);
      return [Math.max(0, Math.min(toile.width, x)), Math.max(0, Math.min(toile.height, y))];
    }
    function ecrire() {
      champ.value = traits.map(function (t) {
        return t.map(function (p, i) { return (i ? "L " : "M ") + p[0] + " " + p[1]; }).join(" ");
      }).join(" ");
    }
    toile.addEventListener("pointerdown", function (e) {
      e.preventDefault();
      toile.setPointerCapture(e.pointerId);
      enCours = [point(e)];
      traits.push(enCours);
    });
    toile.addEventListener("pointermove", function (e) {
      if (!enCours) { return; }
      var p = point(e);
      var dernier = enCours[enCours.length - 1];
      // Un point tous les quelques pixels suffit, et garde le tracé sous la taille admise.
      if (Math.abs(p[0] - dernier[0]) + Math.abs(p[1] - dernier[1]) < 4) { return; }
      ctx.beginPath();
      ctx.moveTo(dernier[0], dernier[1]);
      ctx.lineTo(p[0], p[1]);
      ctx.stroke();
      enCours.push(p);
    });
    function finir() {
      if (enCours && enCours.length < 2) { traits.pop(); }
      enCours = null;
      ecrire();
    }
    toile.addEventListener("pointerup", finir);
    toile.addEventListener("pointercancel", finir);
    var effacer = zone.querySelector("[data-effacer-signature]");
    if (effacer) {
      effacer.addEventListener("click", function () {
        traits = [];
        ctx.clearRect(0, 0, toile.width, toile.height);
        ecrire();
      });
    }
  });

  // Une leçon imprimée montre aussi les corrections de ses questions.
  function deplierLesCorrections() {
    document.querySelectorAll(".lecon details").forEach(function (d) { d.open = true; });
  }
  window.addEventListener("beforeprint", deplierLesCorrections);
  document.querySelectorAll("[data-imprimer]").forEach(function (b) {
    b.addEventListener("click", function () {
      deplierLesCorrections();
      window.print();
    });
  });
})();
