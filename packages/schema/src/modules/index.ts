// Loads every module for its side effects (type registrations). A new module adds its lines here.
import '../shared/graphql-errors.ts';
import './core/identity/user.ts';
import './core/identity/user.mutations.ts';
import './core/identity/api-key.ts';
import './core/identity/api-key.mutations.ts';
import './core/tenancy/tenant.ts';
import './core/tenancy/tenant.mutations.ts';
import './core/tenancy/department.ts';
import './core/tenancy/department.mutations.ts';
import './core/audit/audit.ts';
import './government/rank.ts';
import './government/rank.mutations.ts';
import './hospital/service-point.ts';
import './hospital/service-point.mutations.ts';
import './hotel/hotel-area.ts';
import './hotel/hotel-area.mutations.ts';
