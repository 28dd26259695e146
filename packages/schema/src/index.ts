export { buildSchemas, printSchemas, SUB_GRAPH_OF_KIND, type Schemas } from './build-schemas.ts';
export { SUB_GRAPHS, type SubGraph } from './builder.ts';
export type { Context, AppServices, EventBus, Logger, ServiceDeps } from './context.ts';
export { resolveAccess, touchApiKey, anonymousAccess, AccessDenied, hasRole, type Access, type Credential } from './shared/access.ts';
export { createPasswordHasher, type PasswordHasher } from './modules/core/identity/password.ts';
export { createTokenService, type TokenService, type TokenConfig } from './modules/core/identity/token.service.ts';
export { createSignInGuard, type SignInGuard } from './modules/core/identity/sign-in-guard.ts';
export { parseApiKey, API_KEY_PREFIX } from './modules/core/identity/api-key.service.ts';
export { seedDemo, bootstrapPlatformAdmin, DEMO_PASSWORD, PLATFORM_ADMIN_EMAIL } from './seed/demo.ts';
