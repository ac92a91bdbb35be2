// swagger-ui-dist ships no types; this is the part of Swagger UI's options that docs.html uses.
declare module "swagger-ui-dist/swagger-ui-es-bundle.js" {
  interface SwaggerUIOptions {
    url: string;
    dom_id: string;
    validatorUrl?: string | null;
    deepLinking?: boolean;
  }
  export default function SwaggerUIBundle(options: SwaggerUIOptions): unknown;
}
