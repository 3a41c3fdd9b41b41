// wagtail-localize's "select all" box on the form that submits a page for translation: ticks
// or unticks every language (templates/wagtail_localize/admin/submit_translation.html).
document.addEventListener("DOMContentLoaded", () => {
  const selectAll = document.querySelector('[name="select_all"]');
  if (!selectAll) {
    return;
  }
  const locales = document.querySelectorAll('[name="locales"]');
  selectAll.addEventListener("change", () => {
    for (const locale of locales) {
      locale.checked = selectAll.checked;
    }
  });
});
