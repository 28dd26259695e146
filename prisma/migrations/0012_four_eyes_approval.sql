-- Four-eyes approval (四眼原则) per tenant: when `require_separate_approver` is on, the person who submitted a plan
-- version for approval (or whose change re-opened it) may not approve it; someone else with APPROVER must.
-- On by default for government offices, whose leader approves the reception plan (报请领导批准); off for
-- hospitals and hotels. The API sets it from the kind when it creates a tenant; existing tenants get the same here.
-- A tenant admin changes it with updateTenant.
ALTER TABLE tenants ADD COLUMN require_separate_approver boolean NOT NULL DEFAULT false;
UPDATE tenants SET require_separate_approver = (kind = 'GOVERNMENT_OFFICE');

GRANT INSERT (require_separate_approver) ON tenants TO jiedai_app;
GRANT UPDATE (require_separate_approver) ON tenants TO jiedai_app;
