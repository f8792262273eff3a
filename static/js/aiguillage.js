// Aiguillage's only script, a progressive enhancement: every page works
// without it (README, "Design system and buttons").
//
// "Vous êtes…": the language links carry the answer checked but not yet
// sent (`?population=`, which the home page preselects), so switching
// language does not lose it. Without JavaScript the links are the same
// page in the other language, the unsent choice aside.
(function () {
  'use strict';
  var form = document.getElementById('population-form');
  if (!form) return;
  var links = document.querySelectorAll('.aig-lang a[hreflang]');

  function carry() {
    var checked = form.querySelector('input[name="population"]:checked');
    for (var i = 0; i < links.length; i++) {
      var url = new URL(links[i].getAttribute('href'), window.location.href);
      if (checked) {
        // On the form's error page (`/choix`), the home page with the
        // answer preselected: `/choix?population=` would send the answer.
        if (url.pathname === '/choix') url.pathname = '/';
        url.searchParams.set('population', checked.value);
      } else {
        url.searchParams.delete('population');
      }
      links[i].setAttribute('href', url.pathname + url.search);
    }
  }

  form.addEventListener('change', carry);
  carry();
})();
