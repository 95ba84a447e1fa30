// Hive Gateway with the Rust query planner (@graphql-hive/router-runtime, which plans with
// @graphql-hive/router-query-planner, a native Node addon) instead of its JavaScript planner.
// run.py copies this file into bench/.work and passes it with --config-path.
import { defineConfig } from "@graphql-hive/gateway";
import { unifiedGraphHandler } from "@graphql-hive/router-runtime";

export const gatewayConfig = defineConfig({ unifiedGraphHandler });
