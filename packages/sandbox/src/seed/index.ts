export * from './accounts.ts';
export { type SeedDemoOptions, seedDemo } from './demo.ts';
export { DEMO_CUSTOMER, mondayOf } from './demo-content.ts';
export {
  type GeneratedInfo,
  type GenerateSpec,
  generate,
  LOAD_CLIENT_ID,
  LOAD_DOMAIN,
  LOAD_TENANT_ID,
  parseGenerateSpec,
} from './generate.ts';
