// The API docs page (Swagger UI): what its markup lacks for assistive technology, added as it
// renders. A name for the unnamed server choice; operation groups and "Schemas" as level-2
// headings under the page's level-1 title (Swagger UI writes <h3> and <h4>); the parts above
// Swagger UI's own <main> as labelled regions, so no content is outside a landmark.
"use strict";
(() => {
  const REGIONS = [
    [".information-container", "About this API"],
    [".scheme-container", "Server and authorisation"],
    [".models", "Schemas"],
  ];
  const mend = (root) => {
    for (const select of root.querySelectorAll("select#servers:not([aria-label])")) {
      select.setAttribute("aria-label", "Server");
    }
    for (const heading of root.querySelectorAll(
      "h3.opblock-tag:not([aria-level]), .models > h4:not([aria-level])",
    )) {
      heading.setAttribute("aria-level", "2");
    }
    // Inside an operation (a level-2 group): its sections' <h4> at level 3, their parts' <h5> at 4.
    for (const [tag, level] of [["h4", "3"], ["h5", "4"]]) {
      for (const heading of root.querySelectorAll(`.opblock ${tag}:not([aria-level])`)) {
        heading.setAttribute("aria-level", level);
      }
    }
    // A parameter's field is named by the parameter.
    for (const row of root.querySelectorAll("tr[data-param-name]")) {
      for (const field of row.querySelectorAll(
        "select:not([aria-label]), input:not([aria-label]), textarea:not([aria-label])",
      )) {
        field.setAttribute("aria-label", row.dataset.paramName);
      }
    }
    // Examples scroll sideways: a keyboard must be able to reach them to scroll.
    for (const block of root.querySelectorAll("pre:not([tabindex])")) {
      block.setAttribute("tabindex", "0");
    }
    for (const [selector, label] of REGIONS) {
      for (const part of root.querySelectorAll(`${selector}:not([role])`)) {
        part.setAttribute("role", "region");
        part.setAttribute("aria-label", label);
      }
    }
  };
  const start = () => {
    const root = document.getElementById("swagger-ui");
    if (!root) return;
    mend(root);
    new MutationObserver(() => mend(root)).observe(root, { childList: true, subtree: true });
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
