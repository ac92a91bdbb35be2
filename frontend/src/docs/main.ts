// The entry of docs.html: Swagger UI (swagger-ui-dist, bundled by Vite into hashed files of its
// own, never part of the console's bundle) showing the server's OpenAPI document.
import "swagger-ui-dist/swagger-ui.css";
import "./docs.css";
import SwaggerUIBundle from "swagger-ui-dist/swagger-ui-es-bundle.js";

SwaggerUIBundle({
  url: "/api/v1/openapi.json",
  dom_id: "#swagger-ui",
  // No badge from validator.swagger.io: the page asks nothing of any origin but its own.
  validatorUrl: null,
  deepLinking: true,
});
