import type { CodegenConfig } from "@graphql-codegen/cli";

// Operations are typed from the router's supergraph (schema/supergraph.graphql).
const config: CodegenConfig = {
  schema: ["../schema/supergraph.graphql"],
  documents: ["src/**/*.{ts,tsx}", "!src/gql/**"],
  ignoreNoDocuments: false,
  generates: {
    "src/gql/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: { Decimal: "string", DateTime: "string" },
        skipTypename: false,
      },
    },
  },
  hooks: { afterAllFileWrite: [] },
};

export default config;
