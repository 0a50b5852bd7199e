// Optional: shows each <time> in the reader's own time zone. The page is complete without it.
(function () {
  var format = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short"
  });
  // data-local="time": a time of day in a sentence whose day is given next to it (the provider page's observations).
  var timeOfDay = new Intl.DateTimeFormat(document.documentElement.lang || undefined, { hour: "2-digit", minute: "2-digit" });
  var converted = 0;
  document.querySelectorAll("time[datetime][data-local]").forEach(function (el) {
    var when = new Date(el.getAttribute("datetime"));
    if (!isNaN(when)) { el.title = el.textContent; el.textContent = (el.getAttribute("data-local") === "time" ? timeOfDay : format).format(when); converted++; }
  });
  // The page's note about times named the site's zone; now they are in the reader's.
  var note = document.querySelector("[data-local-zone]");
  if (note && converted > 0) {
    note.title = note.textContent;
    note.textContent = note.getAttribute("data-local-zone").replace("{0}", format.resolvedOptions().timeZone);
  }
})();
