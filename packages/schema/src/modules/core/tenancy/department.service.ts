import { z } from 'zod';
import type { ServiceDeps } from '../../../context.ts';
import { isForeignKeyViolation, isUniqueViolation, parseInput } from '../../../shared/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { TenancyError } from './tenancy.errors.ts';

const departmentInput = z.object({
  name: z.string().trim().min(1).max(200),
  code: z.string().trim().max(50).nullish(),
  parentId: z.string().uuid().nullish(),
});

function refused(error: unknown, name?: string): never {
  if (isUniqueViolation(error)) throw new TenancyError('NAME_TAKEN', `A department named "${name}" exists`);
  if (isForeignKeyViolation(error)) throw new TenancyError('INVALID_REFERENCE', 'Unknown parent department');
  throw error;
}

export async function createDepartment(deps: ServiceDeps, input: z.input<typeof departmentInput>) {
  const data = parseInput(departmentInput, input);
  const department = await deps.db.department
    .create({ data: { tenantId: deps.access.tenantId!, name: data.name, code: data.code ?? null, parentId: data.parentId ?? null } })
    .catch((e) => refused(e, data.name));
  await recordAudit(deps, { action: 'department.created', targetType: 'Department', targetId: department.id, data: { name: data.name } });
  return department;
}

export async function updateDepartment(deps: ServiceDeps, id: string, input: z.input<typeof departmentInput>) {
  const data = parseInput(departmentInput.partial(), input);
  const existing = await deps.db.department.findUnique({ where: { id } });
  if (!existing) throw new TenancyError('NOT_FOUND', 'No such department');
  if (data.parentId === id) throw new TenancyError('INVALID_REFERENCE', 'A department cannot be its own parent');
  const department = await deps.db.department.update({ where: { id }, data }).catch((e) => refused(e, data.name));
  await recordAudit(deps, { action: 'department.updated', targetType: 'Department', targetId: id, data });
  return department;
}

export async function deleteDepartment(deps: ServiceDeps, id: string) {
  const existing = await deps.db.department.findUnique({ where: { id } });
  if (!existing) throw new TenancyError('NOT_FOUND', 'No such department');
  await deps.db.department.delete({ where: { id } }).catch((error) => {
    if (isForeignKeyViolation(error))
      throw new TenancyError('IN_USE', 'Members, pending member invitations, service points or sub-departments still belong to it');
    throw error;
  });
  await recordAudit(deps, { action: 'department.deleted', targetType: 'Department', targetId: id, data: { name: existing.name } });
  return existing;
}
