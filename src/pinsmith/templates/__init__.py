"""Pin templates: the built-in ones, users' custom ones (CRUD), previews, and rendering a pin's
image with its photo fetched safely, stored as media that pins can use."""
