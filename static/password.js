// Show or hide a password while typing it (ASVS 2.1.12). Progressive enhancement: each
// password field that names its button labels (data-show-label, data-hide-label) gets
// a button; without JavaScript the form works as it is.
document.querySelectorAll("input[type=password][data-show-label]").forEach(function (input) {
  var button = document.createElement("button");
  button.type = "button";
  button.className = "button button-secondary password-toggle";
  button.textContent = input.dataset.showLabel;
  button.setAttribute("aria-controls", input.id);
  button.setAttribute("aria-pressed", "false");
  button.addEventListener("click", function () {
    var shown = input.type === "text";
    input.type = shown ? "password" : "text";
    button.textContent = shown ? input.dataset.showLabel : input.dataset.hideLabel;
    button.setAttribute("aria-pressed", shown ? "false" : "true");
  });
  input.insertAdjacentElement("afterend", button);
});
