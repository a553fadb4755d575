// Django's admin (templates/admin/base_site.html): names that its widgets leave out, added once
// the page is built (the two-list and autocomplete widgets are built on "load": this runs after).
"use strict";
(() => {
  const labelText = (field) =>
    field && field.labels && field.labels.length ? field.labels[0].textContent.trim().replace(/:$/, "") : "";

  const name = (element, text) => {
    if (text && !element.hasAttribute("aria-label") && !element.hasAttribute("aria-labelledby")) {
      element.setAttribute("aria-label", text);
    }
  };

  const mend = () => {
    // The two-list widget labels a bare <span> icon, which ARIA forbids: it is an image.
    for (const icon of document.querySelectorAll("span.search-label-icon[aria-label]:not([role])")) {
      icon.setAttribute("role", "img");
    }
    // A date-and-time field is two inputs with one label (on the date, or on neither): name both.
    for (const part of document.querySelectorAll("input[id$='_0'], input[id$='_1']")) {
      if (part.labels.length || part.hasAttribute("aria-label")) continue;
      const base = part.id.slice(0, -2);
      const label =
        document.querySelector(`label[for='${base}'], label[for='${base}_0']`) ||
        part.closest(".form-row")?.querySelector("label");
      const text = label ? label.textContent.trim().replace(/:$/, "") : "";
      name(part, text && `${text}, ${part.id.endsWith("_0") ? "date" : "time"}`);
    }
    // The autocomplete widget (select2) shows its choice in a combobox with no name of its own.
    for (const box of document.querySelectorAll(".select2-container")) {
      const select = box.previousElementSibling;
      const text = labelText(select);
      for (const part of box.querySelectorAll("[role='combobox'], [role='textbox']")) {
        part.removeAttribute("aria-labelledby");
        name(part, text);
      }
    }
    // Tabular inlines: a header for every column, and each field named by its column.
    for (const table of document.querySelectorAll(".tabular table")) {
      const headers = [...table.querySelectorAll("thead th")];
      for (const header of headers) {
        if (!header.textContent.trim()) {
          const text = document.createElement("span");
          text.className = "visually-hidden";
          text.textContent = header.classList.contains("original") ? "Saved row" : "Actions";
          header.append(text);
        }
      }
      for (const row of table.querySelectorAll("tbody tr")) {
        [...row.children].forEach((cell, index) => {
          const column = headers[index] ? headers[index].textContent.trim() : "";
          for (const field of cell.querySelectorAll("input, select, textarea")) {
            if (field.type !== "hidden" && !field.labels.length) name(field, column);
          }
        });
      }
    }
    // What scrolls sideways on a phone (wide tables) can be reached, and so scrolled, by keyboard.
    for (const region of document.querySelectorAll(
      "#content .tabular, #content .results, #content-main > .module",
    )) {
      if (region.scrollWidth > region.clientWidth && !region.hasAttribute("tabindex")) {
        region.setAttribute("tabindex", "0");
      }
    }
  };

  window.addEventListener("load", () => setTimeout(mend));
})();
