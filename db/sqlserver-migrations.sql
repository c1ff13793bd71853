IF OBJECT_ID(N'[__EFMigrationsHistory]') IS NULL
BEGIN
    CREATE TABLE [__EFMigrationsHistory] (
        [migration_id] nvarchar(150) NOT NULL,
        [product_version] nvarchar(32) NOT NULL,
        CONSTRAINT [pk___ef_migrations_history] PRIMARY KEY ([migration_id])
    );
END;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123025914_Initial'
)
BEGIN
    CREATE TABLE [accounts] (
        [id] bigint NOT NULL IDENTITY,
        [name] nvarchar(200) NOT NULL,
        [email] nvarchar(320) NULL,
        [currency] nvarchar(3) NOT NULL,
        [balance] bigint NOT NULL,
        [overdraft_floor] bigint NOT NULL,
        [last_sequence] bigint NOT NULL,
        [created_at] datetime2 NOT NULL,
        CONSTRAINT [pk_accounts] PRIMARY KEY ([id]),
        CONSTRAINT [ck_accounts_balance_range] CHECK (balance BETWEEN -4000000000000000000 AND 4000000000000000000)
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123025914_Initial'
)
BEGIN
    CREATE TABLE [catalog_models] (
        [id] bigint NOT NULL IDENTITY,
        [provider] nvarchar(64) NOT NULL,
        [slug] nvarchar(128) NOT NULL,
        [display_name] nvarchar(200) NOT NULL,
        [type] nvarchar(16) NOT NULL,
        [context_window] int NOT NULL,
        [capabilities] nvarchar(200) NOT NULL,
        [enabled] bit NOT NULL,
        CONSTRAINT [pk_catalog_models] PRIMARY KEY ([id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123025914_Initial'
)
BEGIN
    CREATE TABLE [invariant_checkpoints] (
        [account_id] bigint NOT NULL,
        [sequence] bigint NOT NULL,
        [balance_after] bigint NOT NULL,
        [checked_at] datetime2 NOT NULL,
        CONSTRAINT [pk_invariant_checkpoints] PRIMARY KEY ([account_id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123025914_Initial'
)
BEGIN
    CREATE TABLE [invariant_runs] (
        [id] bigint NOT NULL IDENTITY,
        [mode] nvarchar(16) NOT NULL,
        [started_at] datetime2 NOT NULL,
        [finished_at] datetime2 NOT NULL,
        [accounts_checked] int NOT NULL,
        [entries_checked] bigint NOT NULL,
        [violation_count] int NOT NULL,
        CONSTRAINT [pk_invariant_runs] PRIMARY KEY ([id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123025914_Initial'
)
BEGIN
    CREATE TABLE [request_records] (
        [id] bigint NOT NULL IDENTITY,
        [account_id] bigint NOT NULL,
        [reservation_id] bigint NOT NULL,
        [api_key_id] bigint NULL,
        [model_id] bigint NOT NULL,
        [price_id] bigint NOT NULL,
        [provider] nvarchar(64) NULL,
        [status] nvarchar(16) NOT NULL,
        [error_code] nvarchar(64) NULL,
        [input_tokens] bigint NOT NULL,
        [output_tokens] bigint NOT NULL,
        [cached_tokens] bigint NOT NULL,
        [cost] bigint NOT NULL,
        [market_cost] bigint NOT NULL,
        [latency_ms] int NULL,
        [ttfb_ms] int NULL,
        [streaming] bit NOT NULL,
        [client_ip] nvarchar(64) NULL,
        [user_agent] nvarchar(300) NULL,
        [tags] nvarchar(700) NULL,
        [started_at] datetime2 NOT NULL,
        [completed_at] datetime2 NOT NULL,
        CONSTRAINT [pk_request_records] PRIMARY KEY ([id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123025914_Initial'
)
BEGIN
    CREATE TABLE [usage_rollups] (
        [id] bigint NOT NULL IDENTITY,
        [account_id] bigint NOT NULL,
        [day] datetime2 NOT NULL,
        [model_id] bigint NOT NULL,
        [api_key_id] bigint NOT NULL,
        [calls] bigint NOT NULL,
        [input_tokens] bigint NOT NULL,
        [output_tokens] bigint NOT NULL,
        [cached_tokens] bigint NOT NULL,
        [cost] bigint NOT NULL,
        [market_cost] bigint NOT NULL,
        CONSTRAINT [pk_usage_rollups] PRIMARY KEY ([id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123025914_Initial'
)
BEGIN
    CREATE TABLE [api_keys] (
        [id] bigint NOT NULL IDENTITY,
        [account_id] bigint NOT NULL,
        [name] nvarchar(100) NOT NULL,
        [prefix] nvarchar(16) NOT NULL,
        [secret_hash] nvarchar(64) NOT NULL,
        [created_at] datetime2 NOT NULL,
        [revoked_at] datetime2 NULL,
        [last_used_at] datetime2 NULL,
        [monthly_spend_limit] bigint NULL,
        [spend_month] datetime2 NULL,
        [spend_committed] bigint NOT NULL,
        CONSTRAINT [pk_api_keys] PRIMARY KEY ([id]),
        CONSTRAINT [fk_api_keys_accounts_account_id] FOREIGN KEY ([account_id]) REFERENCES [accounts] ([id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123025914_Initial'
)
BEGIN
    CREATE TABLE [ledger_entries] (
        [id] bigint NOT NULL IDENTITY,
        [account_id] bigint NOT NULL,
        [sequence] bigint NOT NULL,
        [type] nvarchar(32) NOT NULL,
        [amount] bigint NOT NULL,
        [balance_after] bigint NOT NULL,
        [created_at] datetime2 NOT NULL,
        [description] nvarchar(500) NOT NULL,
        [source] nvarchar(32) NOT NULL,
        [ref_id] nvarchar(128) NULL,
        [actor] nvarchar(128) NOT NULL,
        [idempotency_key] nvarchar(200) NULL,
        [reservation_id] bigint NULL,
        CONSTRAINT [pk_ledger_entries] PRIMARY KEY ([id]),
        CONSTRAINT [fk_ledger_entries_accounts_account_id] FOREIGN KEY ([account_id]) REFERENCES [accounts] ([id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123025914_Initial'
)
BEGIN
    CREATE TABLE [reservations] (
        [id] bigint NOT NULL IDENTITY,
        [account_id] bigint NOT NULL,
        [amount] bigint NOT NULL,
        [status] nvarchar(16) NOT NULL,
        [created_at] datetime2 NOT NULL,
        [expires_at] datetime2 NOT NULL,
        [resolved_at] datetime2 NULL,
        [cost] bigint NULL,
        [api_key_id] bigint NULL,
        [model_id] bigint NULL,
        [price_id] bigint NULL,
        [max_input_tokens] bigint NULL,
        [max_output_tokens] bigint NULL,
        [tags] nvarchar(700) NULL,
        [spend_month] datetime2 NULL,
        CONSTRAINT [pk_reservations] PRIMARY KEY ([id]),
        CONSTRAINT [fk_reservations_accounts_account_id] FOREIGN KEY ([account_id]) REFERENCES [accounts] ([id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123025914_Initial'
)
BEGIN
    CREATE TABLE [users] (
        [id] bigint NOT NULL IDENTITY,
        [email] nvarchar(320) NOT NULL,
        [display_name] nvarchar(200) NOT NULL,
        [role] nvarchar(32) NOT NULL,
        [account_id] bigint NULL,
        CONSTRAINT [pk_users] PRIMARY KEY ([id]),
        CONSTRAINT [fk_users_accounts_account_id] FOREIGN KEY ([account_id]) REFERENCES [accounts] ([id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123025914_Initial'
)
BEGIN
    CREATE TABLE [model_prices] (
        [id] bigint NOT NULL IDENTITY,
        [model_id] bigint NOT NULL,
        [effective_from] datetime2 NOT NULL,
        [input_per_million] bigint NOT NULL,
        [output_per_million] bigint NOT NULL,
        [cached_input_per_million] bigint NOT NULL,
        [market_input_per_million] bigint NOT NULL,
        [market_output_per_million] bigint NOT NULL,
        [market_cached_input_per_million] bigint NOT NULL,
        CONSTRAINT [pk_model_prices] PRIMARY KEY ([id]),
        CONSTRAINT [fk_model_prices_catalog_models_model_id] FOREIGN KEY ([model_id]) REFERENCES [catalog_models] ([id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123025914_Initial'
)
BEGIN
    CREATE TABLE [invariant_violations] (
        [id] bigint NOT NULL IDENTITY,
        [run_id] bigint NOT NULL,
        [account_id] bigint NOT NULL,
        [kind] nvarchar(32) NOT NULL,
        [detail] nvarchar(1000) NOT NULL,
        CONSTRAINT [pk_invariant_violations] PRIMARY KEY ([id]),
        CONSTRAINT [fk_invariant_violations_invariant_runs_run_id] FOREIGN KEY ([run_id]) REFERENCES [invariant_runs] ([id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123025914_Initial'
)
BEGIN
    CREATE INDEX [ix_accounts_email] ON [accounts] ([email]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123025914_Initial'
)
BEGIN
    CREATE INDEX [ix_api_keys_account_id] ON [api_keys] ([account_id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123025914_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [ix_api_keys_secret_hash] ON [api_keys] ([secret_hash]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123025914_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [ix_catalog_models_slug] ON [catalog_models] ([slug]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123025914_Initial'
)
BEGIN
    CREATE INDEX [ix_invariant_runs_started_at] ON [invariant_runs] ([started_at]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123025914_Initial'
)
BEGIN
    CREATE INDEX [ix_invariant_violations_run_id] ON [invariant_violations] ([run_id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123025914_Initial'
)
BEGIN
    CREATE INDEX [ix_ledger_entries_account_id_created_at] ON [ledger_entries] ([account_id], [created_at]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123025914_Initial'
)
BEGIN
    CREATE INDEX [ix_ledger_entries_account_id_id] ON [ledger_entries] ([account_id], [id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123025914_Initial'
)
BEGIN
    EXEC(N'CREATE UNIQUE INDEX [ix_ledger_entries_account_id_idempotency_key] ON [ledger_entries] ([account_id], [idempotency_key]) WHERE [idempotency_key] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123025914_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [ix_ledger_entries_account_id_sequence] ON [ledger_entries] ([account_id], [sequence]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123025914_Initial'
)
BEGIN
    CREATE INDEX [ix_ledger_entries_reservation_id] ON [ledger_entries] ([reservation_id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123025914_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [ix_model_prices_model_id_effective_from] ON [model_prices] ([model_id], [effective_from]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123025914_Initial'
)
BEGIN
    CREATE INDEX [ix_request_records_account_id_completed_at] ON [request_records] ([account_id], [completed_at]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123025914_Initial'
)
BEGIN
    CREATE INDEX [ix_request_records_account_id_id] ON [request_records] ([account_id], [id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123025914_Initial'
)
BEGIN
    CREATE INDEX [ix_request_records_api_key_id] ON [request_records] ([api_key_id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123025914_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [ix_request_records_reservation_id] ON [request_records] ([reservation_id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123025914_Initial'
)
BEGIN
    CREATE INDEX [ix_reservations_account_id_status] ON [reservations] ([account_id], [status]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123025914_Initial'
)
BEGIN
    CREATE INDEX [ix_reservations_api_key_id_status] ON [reservations] ([api_key_id], [status]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123025914_Initial'
)
BEGIN
    CREATE INDEX [ix_reservations_status_expires_at] ON [reservations] ([status], [expires_at]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123025914_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [ix_usage_rollups_account_id_day_model_id_api_key_id] ON [usage_rollups] ([account_id], [day], [model_id], [api_key_id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123025914_Initial'
)
BEGIN
    CREATE INDEX [ix_usage_rollups_api_key_id_day] ON [usage_rollups] ([api_key_id], [day]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123025914_Initial'
)
BEGIN
    CREATE INDEX [ix_users_account_id] ON [users] ([account_id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123025914_Initial'
)
BEGIN
    CREATE UNIQUE INDEX [ix_users_email] ON [users] ([email]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123025914_Initial'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([migration_id], [product_version])
    VALUES (N'20261123025914_Initial', N'10.0.14');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123033658_AccountLowBalanceThreshold'
)
BEGIN
    ALTER TABLE [accounts] ADD [low_balance_threshold] bigint NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123033658_AccountLowBalanceThreshold'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([migration_id], [product_version])
    VALUES (N'20261123033658_AccountLowBalanceThreshold', N'10.0.14');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123034549_AccountLastEntryAt'
)
BEGIN
    ALTER TABLE [accounts] ADD [last_entry_at] datetime2 NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123034549_AccountLastEntryAt'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([migration_id], [product_version])
    VALUES (N'20261123034549_AccountLastEntryAt', N'10.0.14');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123042810_Payments'
)
BEGIN
    ALTER TABLE [accounts] ADD [auto_recharge_amount] bigint NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123042810_Payments'
)
BEGIN
    ALTER TABLE [accounts] ADD [auto_recharge_enabled] bit NOT NULL DEFAULT CAST(0 AS bit);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123042810_Payments'
)
BEGIN
    ALTER TABLE [accounts] ADD [auto_recharge_failure] nvarchar(500) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123042810_Payments'
)
BEGIN
    ALTER TABLE [accounts] ADD [auto_recharge_monthly_cap] bigint NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123042810_Payments'
)
BEGIN
    ALTER TABLE [accounts] ADD [auto_recharge_pending_at] datetime2 NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123042810_Payments'
)
BEGIN
    ALTER TABLE [accounts] ADD [auto_recharge_sequence] bigint NOT NULL DEFAULT CAST(0 AS bigint);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123042810_Payments'
)
BEGIN
    ALTER TABLE [accounts] ADD [auto_recharge_threshold] bigint NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123042810_Payments'
)
BEGIN
    ALTER TABLE [accounts] ADD [stripe_customer_id] nvarchar(255) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123042810_Payments'
)
BEGIN
    ALTER TABLE [accounts] ADD [stripe_payment_method_id] nvarchar(255) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123042810_Payments'
)
BEGIN
    CREATE TABLE [stripe_events] (
        [id] bigint NOT NULL IDENTITY,
        [event_id] nvarchar(255) NOT NULL,
        [type] nvarchar(100) NOT NULL,
        [object_id] nvarchar(255) NULL,
        [payment_intent_id] nvarchar(255) NULL,
        [account_id] bigint NULL,
        [amount_cents] bigint NULL,
        [livemode] bit NOT NULL,
        [api_version] nvarchar(64) NOT NULL,
        [created_at] datetime2 NOT NULL,
        [received_at] datetime2 NOT NULL,
        [processed_at] datetime2 NULL,
        [deliveries] int NOT NULL,
        [outcome] nvarchar(32) NOT NULL,
        [detail] nvarchar(1000) NULL,
        [payload] nvarchar(max) NOT NULL,
        CONSTRAINT [pk_stripe_events] PRIMARY KEY ([id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123042810_Payments'
)
BEGIN
    CREATE INDEX [ix_stripe_events_created_at] ON [stripe_events] ([created_at]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123042810_Payments'
)
BEGIN
    CREATE UNIQUE INDEX [ix_stripe_events_event_id] ON [stripe_events] ([event_id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123042810_Payments'
)
BEGIN
    CREATE INDEX [ix_stripe_events_object_id] ON [stripe_events] ([object_id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123042810_Payments'
)
BEGIN
    CREATE INDEX [ix_stripe_events_payment_intent_id] ON [stripe_events] ([payment_intent_id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123042810_Payments'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([migration_id], [product_version])
    VALUES (N'20261123042810_Payments', N'10.0.14');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123043509_AccountMembers'
)
BEGIN
    CREATE TABLE [account_members] (
        [account_id] bigint NOT NULL,
        [user_id] bigint NOT NULL,
        [role] nvarchar(16) NOT NULL,
        [created_at] datetime2 NOT NULL,
        CONSTRAINT [pk_account_members] PRIMARY KEY ([account_id], [user_id]),
        CONSTRAINT [ck_account_members_role] CHECK (role IN ('owner', 'member')),
        CONSTRAINT [fk_account_members_accounts_account_id] FOREIGN KEY ([account_id]) REFERENCES [accounts] ([id]) ON DELETE NO ACTION,
        CONSTRAINT [fk_account_members_users_user_id] FOREIGN KEY ([user_id]) REFERENCES [users] ([id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123043509_AccountMembers'
)
BEGIN
    CREATE INDEX [ix_account_members_user_id] ON [account_members] ([user_id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123043509_AccountMembers'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([migration_id], [product_version])
    VALUES (N'20261123043509_AccountMembers', N'10.0.14');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123053958_AdminAuditLog'
)
BEGIN
    CREATE TABLE [admin_audit_log] (
        [id] bigint NOT NULL IDENTITY,
        [at] datetime2 NOT NULL,
        [actor] nvarchar(320) NOT NULL,
        [action] nvarchar(40) NOT NULL,
        [account_id] bigint NULL,
        [target] nvarchar(255) NULL,
        [reason] nvarchar(500) NOT NULL,
        [before] nvarchar(500) NULL,
        [after] nvarchar(500) NULL,
        [ledger_entry_id] bigint NULL,
        CONSTRAINT [pk_admin_audit_log] PRIMARY KEY ([id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123053958_AdminAuditLog'
)
BEGIN
    CREATE INDEX [ix_admin_audit_log_account_id_at] ON [admin_audit_log] ([account_id], [at]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123053958_AdminAuditLog'
)
BEGIN
    CREATE INDEX [ix_admin_audit_log_at] ON [admin_audit_log] ([at]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123053958_AdminAuditLog'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([migration_id], [product_version])
    VALUES (N'20261123053958_AdminAuditLog', N'10.0.14');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123085301_LedgerDayTotals'
)
BEGIN
    CREATE TABLE [ledger_day_totals] (
        [account_id] bigint NOT NULL,
        [day] date NOT NULL,
        [type] nvarchar(32) NOT NULL,
        [entries] bigint NOT NULL,
        [amount] bigint NOT NULL,
        CONSTRAINT [pk_ledger_day_totals] PRIMARY KEY ([account_id], [day], [type]),
        CONSTRAINT [fk_ledger_day_totals_accounts_account_id] FOREIGN KEY ([account_id]) REFERENCES [accounts] ([id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123085301_LedgerDayTotals'
)
BEGIN
    INSERT INTO ledger_day_totals (account_id, day, type, entries, amount) SELECT account_id, CAST(created_at AS date), type, COUNT(*), SUM(amount) FROM ledger_entries GROUP BY account_id, CAST(created_at AS date), type;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123085301_LedgerDayTotals'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([migration_id], [product_version])
    VALUES (N'20261123085301_LedgerDayTotals', N'10.0.14');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123090931_ReservationKeyMonthIndex'
)
BEGIN
    DROP INDEX [ix_reservations_api_key_id_status] ON [reservations];
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123090931_ReservationKeyMonthIndex'
)
BEGIN
    CREATE INDEX [ix_reservations_api_key_id_spend_month] ON [reservations] ([api_key_id], [spend_month]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261123090931_ReservationKeyMonthIndex'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([migration_id], [product_version])
    VALUES (N'20261123090931_ReservationKeyMonthIndex', N'10.0.14');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203023159_IdentityBindingAndKeyScopes'
)
BEGIN
    DROP INDEX [ix_users_email] ON [users];
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203023159_IdentityBindingAndKeyScopes'
)
BEGIN
    ALTER TABLE [users] ADD [identity_issuer] nvarchar(500) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203023159_IdentityBindingAndKeyScopes'
)
BEGIN
    ALTER TABLE [users] ADD [identity_subject] nvarchar(255) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203023159_IdentityBindingAndKeyScopes'
)
BEGIN
    ALTER TABLE [api_keys] ADD [expires_at] datetime2 NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203023159_IdentityBindingAndKeyScopes'
)
BEGIN
    ALTER TABLE [api_keys] ADD [scopes] nvarchar(200) NOT NULL DEFAULT N'inference billing:read keys:write';
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203023159_IdentityBindingAndKeyScopes'
)
BEGIN
    CREATE INDEX [ix_users_email] ON [users] ([email]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203023159_IdentityBindingAndKeyScopes'
)
BEGIN
    EXEC(N'CREATE UNIQUE INDEX [ix_users_identity_issuer_identity_subject] ON [users] ([identity_issuer], [identity_subject]) WHERE [identity_issuer] IS NOT NULL AND [identity_subject] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203023159_IdentityBindingAndKeyScopes'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([migration_id], [product_version])
    VALUES (N'20261203023159_IdentityBindingAndKeyScopes', N'10.0.14');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203023755_AccountLifecycle'
)
BEGIN
    ALTER TABLE [accounts] ADD [provisioning_fingerprint] nvarchar(64) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203023755_AccountLifecycle'
)
BEGIN
    ALTER TABLE [accounts] ADD [provisioning_key] nvarchar(200) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203023755_AccountLifecycle'
)
BEGIN
    ALTER TABLE [accounts] ADD [status] nvarchar(10) NOT NULL DEFAULT N'active';
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203023755_AccountLifecycle'
)
BEGIN
    ALTER TABLE [accounts] ADD [status_changed_at] datetime2 NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203023755_AccountLifecycle'
)
BEGIN
    EXEC(N'CREATE UNIQUE INDEX [ix_accounts_provisioning_key] ON [accounts] ([provisioning_key]) WHERE [provisioning_key] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203023755_AccountLifecycle'
)
BEGIN
    EXEC(N'ALTER TABLE [accounts] ADD CONSTRAINT [ck_accounts_status] CHECK (status IN (''active'', ''suspended'', ''closed''))');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203023755_AccountLifecycle'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([migration_id], [product_version])
    VALUES (N'20261203023755_AccountLifecycle', N'10.0.14');
END;

COMMIT;
GO

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203025117_AllowSnapshotIsolation'
)
BEGIN
    IF (SELECT snapshot_isolation_state FROM sys.databases WHERE database_id = DB_ID()) = 0 ALTER DATABASE CURRENT SET ALLOW_SNAPSHOT_ISOLATION ON;
END;
GO

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203025117_AllowSnapshotIsolation'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([migration_id], [product_version])
    VALUES (N'20261203025117_AllowSnapshotIsolation', N'10.0.14');
END;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203062500_TeamsAndInvitations'
)
BEGIN
    ALTER TABLE [account_members] DROP CONSTRAINT [ck_account_members_role];
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203062500_TeamsAndInvitations'
)
BEGIN
    UPDATE account_members SET role = 'developer' WHERE role = 'member';
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203062500_TeamsAndInvitations'
)
BEGIN
    INSERT INTO account_members (account_id, user_id, role, created_at) SELECT u.account_id, u.id, 'owner', a.created_at FROM users u JOIN accounts a ON a.id = u.account_id WHERE NOT EXISTS (SELECT 1 FROM account_members m WHERE m.account_id = u.account_id AND m.user_id = u.id);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203062500_TeamsAndInvitations'
)
BEGIN
    CREATE TABLE [account_invitations] (
        [id] bigint NOT NULL IDENTITY,
        [account_id] bigint NOT NULL,
        [email] nvarchar(320) NOT NULL,
        [role] nvarchar(16) NOT NULL,
        [invited_by] nvarchar(320) NOT NULL,
        [created_at] datetime2 NOT NULL,
        [expires_at] datetime2 NOT NULL,
        [accepted_at] datetime2 NULL,
        [accepted_user_id] bigint NULL,
        [revoked_at] datetime2 NULL,
        [revoked_by] nvarchar(320) NULL,
        CONSTRAINT [pk_account_invitations] PRIMARY KEY ([id]),
        CONSTRAINT [ck_account_invitations_role] CHECK (role IN ('owner', 'developer', 'viewer')),
        CONSTRAINT [fk_account_invitations_accounts_account_id] FOREIGN KEY ([account_id]) REFERENCES [accounts] ([id]) ON DELETE NO ACTION,
        CONSTRAINT [fk_account_invitations_users_accepted_user_id] FOREIGN KEY ([accepted_user_id]) REFERENCES [users] ([id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203062500_TeamsAndInvitations'
)
BEGIN
    EXEC(N'ALTER TABLE [account_members] ADD CONSTRAINT [ck_account_members_role] CHECK (role IN (''owner'', ''developer'', ''viewer''))');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203062500_TeamsAndInvitations'
)
BEGIN
    CREATE INDEX [ix_account_invitations_accepted_user_id] ON [account_invitations] ([accepted_user_id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203062500_TeamsAndInvitations'
)
BEGIN
    EXEC(N'CREATE UNIQUE INDEX [ix_account_invitations_account_id_email] ON [account_invitations] ([account_id], [email]) WHERE accepted_at IS NULL AND revoked_at IS NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203062500_TeamsAndInvitations'
)
BEGIN
    CREATE INDEX [ix_account_invitations_email] ON [account_invitations] ([email]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203062500_TeamsAndInvitations'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([migration_id], [product_version])
    VALUES (N'20261203062500_TeamsAndInvitations', N'10.0.14');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203090645_PricedUnits'
)
BEGIN
    ALTER TABLE [usage_rollups] ADD [quantity] bigint NOT NULL DEFAULT CAST(0 AS bigint);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203090645_PricedUnits'
)
BEGIN
    ALTER TABLE [reservations] ADD [max_quantity] bigint NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203090645_PricedUnits'
)
BEGIN
    ALTER TABLE [request_records] ADD [quantity] bigint NOT NULL DEFAULT CAST(0 AS bigint);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203090645_PricedUnits'
)
BEGIN
    ALTER TABLE [model_prices] ADD [market_unit_price] bigint NOT NULL DEFAULT CAST(0 AS bigint);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203090645_PricedUnits'
)
BEGIN
    ALTER TABLE [model_prices] ADD [unit_price] bigint NOT NULL DEFAULT CAST(0 AS bigint);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203090645_PricedUnits'
)
BEGIN
    ALTER TABLE [catalog_models] ADD [unit] nvarchar(16) NOT NULL DEFAULT N'tokens';
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203090645_PricedUnits'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([migration_id], [product_version])
    VALUES (N'20261203090645_PricedUnits', N'10.0.14');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203101216_HoldTtlAndHttpStatus'
)
BEGIN
    ALTER TABLE [reservations] ADD [ttl_seconds] int NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203101216_HoldTtlAndHttpStatus'
)
BEGIN
    ALTER TABLE [request_records] ADD [http_status] int NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203101216_HoldTtlAndHttpStatus'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([migration_id], [product_version])
    VALUES (N'20261203101216_HoldTtlAndHttpStatus', N'10.0.14');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203104415_AutoRechargeControls'
)
BEGIN
    ALTER TABLE [accounts] ADD [auto_recharge_failures] int NOT NULL DEFAULT 0;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203104415_AutoRechargeControls'
)
BEGIN
    ALTER TABLE [accounts] ADD [auto_recharge_last_attempt_amount] bigint NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203104415_AutoRechargeControls'
)
BEGIN
    ALTER TABLE [accounts] ADD [auto_recharge_last_attempt_at] datetime2 NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203104415_AutoRechargeControls'
)
BEGIN
    ALTER TABLE [accounts] ADD [auto_recharge_last_outcome] nvarchar(16) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203104415_AutoRechargeControls'
)
BEGIN
    ALTER TABLE [accounts] ADD [payment_method_brand] nvarchar(32) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203104415_AutoRechargeControls'
)
BEGIN
    ALTER TABLE [accounts] ADD [payment_method_last4] nvarchar(4) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203104415_AutoRechargeControls'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([migration_id], [product_version])
    VALUES (N'20261203104415_AutoRechargeControls', N'10.0.14');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203121319_AlertsAndOutbox'
)
BEGIN
    CREATE TABLE [alert_events] (
        [id] bigint NOT NULL IDENTITY,
        [account_id] bigint NOT NULL,
        [rule_id] bigint NOT NULL,
        [kind] nvarchar(32) NOT NULL,
        [transition] nvarchar(16) NOT NULL,
        [threshold] bigint NOT NULL,
        [subject_id] bigint NULL,
        [value] bigint NOT NULL,
        [message] nvarchar(500) NOT NULL,
        [created_at] datetime2 NOT NULL,
        CONSTRAINT [pk_alert_events] PRIMARY KEY ([id]),
        CONSTRAINT [fk_alert_events_accounts_account_id] FOREIGN KEY ([account_id]) REFERENCES [accounts] ([id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203121319_AlertsAndOutbox'
)
BEGIN
    CREATE TABLE [alert_rules] (
        [id] bigint NOT NULL IDENTITY,
        [account_id] bigint NOT NULL,
        [kind] nvarchar(32) NOT NULL,
        [threshold] bigint NOT NULL,
        [subject_id] bigint NULL,
        [state] nvarchar(16) NOT NULL,
        [last_value] bigint NULL,
        [last_fired_at] datetime2 NULL,
        [last_resolved_at] datetime2 NULL,
        [created_at] datetime2 NOT NULL,
        [created_by] nvarchar(320) NOT NULL,
        CONSTRAINT [pk_alert_rules] PRIMARY KEY ([id]),
        CONSTRAINT [ck_alert_rules_state] CHECK (state IN ('armed', 'firing')),
        CONSTRAINT [fk_alert_rules_accounts_account_id] FOREIGN KEY ([account_id]) REFERENCES [accounts] ([id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203121319_AlertsAndOutbox'
)
BEGIN
    CREATE TABLE [outbox_messages] (
        [id] bigint NOT NULL IDENTITY,
        [message_id] nvarchar(64) NOT NULL,
        [account_id] bigint NOT NULL,
        [alert_event_id] bigint NULL,
        [channel] nvarchar(16) NOT NULL,
        [recipient] nvarchar(320) NOT NULL,
        [event_type] nvarchar(64) NOT NULL,
        [payload] nvarchar(max) NOT NULL,
        [created_at] datetime2 NOT NULL,
        [attempts] int NOT NULL,
        [next_attempt_at] datetime2 NOT NULL,
        [last_status] int NULL,
        [last_error] nvarchar(1000) NULL,
        [delivered_at] datetime2 NULL,
        [dead] bit NOT NULL,
        CONSTRAINT [pk_outbox_messages] PRIMARY KEY ([id]),
        CONSTRAINT [ck_outbox_messages_channel] CHECK (channel IN ('email', 'webhook')),
        CONSTRAINT [fk_outbox_messages_accounts_account_id] FOREIGN KEY ([account_id]) REFERENCES [accounts] ([id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203121319_AlertsAndOutbox'
)
BEGIN
    CREATE TABLE [webhook_endpoints] (
        [id] bigint NOT NULL IDENTITY,
        [account_id] bigint NOT NULL,
        [url] nvarchar(2000) NOT NULL,
        [protected_secret] nvarchar(2000) NOT NULL,
        [created_at] datetime2 NOT NULL,
        [created_by] nvarchar(320) NOT NULL,
        [consecutive_failures] int NOT NULL,
        [disabled_at] datetime2 NULL,
        [disabled_reason] nvarchar(500) NULL,
        [deleted_at] datetime2 NULL,
        CONSTRAINT [pk_webhook_endpoints] PRIMARY KEY ([id]),
        CONSTRAINT [fk_webhook_endpoints_accounts_account_id] FOREIGN KEY ([account_id]) REFERENCES [accounts] ([id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203121319_AlertsAndOutbox'
)
BEGIN
    CREATE TABLE [delivery_attempts] (
        [id] bigint NOT NULL IDENTITY,
        [outbox_message_id] bigint NOT NULL,
        [attempted_at] datetime2 NOT NULL,
        [succeeded] bit NOT NULL,
        [status] int NULL,
        [error] nvarchar(1000) NULL,
        [duration_ms] int NOT NULL,
        CONSTRAINT [pk_delivery_attempts] PRIMARY KEY ([id]),
        CONSTRAINT [fk_delivery_attempts_outbox_messages_outbox_message_id] FOREIGN KEY ([outbox_message_id]) REFERENCES [outbox_messages] ([id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203121319_AlertsAndOutbox'
)
BEGIN
    CREATE INDEX [ix_alert_events_account_id_id] ON [alert_events] ([account_id], [id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203121319_AlertsAndOutbox'
)
BEGIN
    CREATE INDEX [ix_alert_rules_account_id] ON [alert_rules] ([account_id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203121319_AlertsAndOutbox'
)
BEGIN
    CREATE INDEX [ix_delivery_attempts_outbox_message_id] ON [delivery_attempts] ([outbox_message_id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203121319_AlertsAndOutbox'
)
BEGIN
    CREATE INDEX [ix_outbox_messages_account_id_id] ON [outbox_messages] ([account_id], [id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203121319_AlertsAndOutbox'
)
BEGIN
    CREATE INDEX [ix_outbox_messages_delivered_at_dead_next_attempt_at] ON [outbox_messages] ([delivered_at], [dead], [next_attempt_at]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203121319_AlertsAndOutbox'
)
BEGIN
    CREATE UNIQUE INDEX [ix_outbox_messages_message_id] ON [outbox_messages] ([message_id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203121319_AlertsAndOutbox'
)
BEGIN
    CREATE INDEX [ix_webhook_endpoints_account_id] ON [webhook_endpoints] ([account_id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203121319_AlertsAndOutbox'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([migration_id], [product_version])
    VALUES (N'20261203121319_AlertsAndOutbox', N'10.0.14');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203132500_WorkerLeasesAndDataProtectionKeys'
)
BEGIN
    CREATE TABLE [data_protection_keys] (
        [id] int NOT NULL IDENTITY,
        [friendly_name] nvarchar(max) NULL,
        [xml] nvarchar(max) NULL,
        CONSTRAINT [pk_data_protection_keys] PRIMARY KEY ([id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203132500_WorkerLeasesAndDataProtectionKeys'
)
BEGIN
    CREATE TABLE [worker_leases] (
        [name] nvarchar(64) NOT NULL,
        [holder] nvarchar(200) NOT NULL,
        [acquired_at] datetime2 NOT NULL,
        [expires_at] datetime2 NOT NULL,
        [run_count] bigint NOT NULL,
        [last_run_started_at] datetime2 NULL,
        [last_run_finished_at] datetime2 NULL,
        CONSTRAINT [pk_worker_leases] PRIMARY KEY ([name])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203132500_WorkerLeasesAndDataProtectionKeys'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([migration_id], [product_version])
    VALUES (N'20261203132500_WorkerLeasesAndDataProtectionKeys', N'10.0.14');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203145426_DistributedCache'
)
BEGIN
    CREATE TABLE [distributed_cache] (
        [id] varchar(64) NOT NULL,
        [value] varbinary(max) NOT NULL,
        [expires_at] datetime2 NOT NULL,
        CONSTRAINT [pk_distributed_cache] PRIMARY KEY ([id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203145426_DistributedCache'
)
BEGIN
    CREATE INDEX [ix_distributed_cache_expires_at] ON [distributed_cache] ([expires_at]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203145426_DistributedCache'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([migration_id], [product_version])
    VALUES (N'20261203145426_DistributedCache', N'10.0.14');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203161544_Budgets'
)
BEGIN
    CREATE TABLE [budgets] (
        [id] bigint NOT NULL IDENTITY,
        [account_id] bigint NOT NULL,
        [api_key_id] bigint NULL,
        [amount] bigint NOT NULL,
        [period] nvarchar(16) NOT NULL,
        [created_at] datetime2 NOT NULL,
        [created_by] nvarchar(320) NOT NULL,
        [deleted_at] datetime2 NULL,
        [period_start] datetime2 NOT NULL,
        [committed] bigint NOT NULL,
        CONSTRAINT [pk_budgets] PRIMARY KEY ([id]),
        CONSTRAINT [fk_budgets_accounts_account_id] FOREIGN KEY ([account_id]) REFERENCES [accounts] ([id]) ON DELETE NO ACTION,
        CONSTRAINT [fk_budgets_api_keys_api_key_id] FOREIGN KEY ([api_key_id]) REFERENCES [api_keys] ([id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203161544_Budgets'
)
BEGIN
    CREATE TABLE [reservation_budgets] (
        [reservation_id] bigint NOT NULL,
        [budget_id] bigint NOT NULL,
        [period_start] datetime2 NOT NULL,
        [amount] bigint NOT NULL,
        CONSTRAINT [pk_reservation_budgets] PRIMARY KEY ([reservation_id], [budget_id]),
        CONSTRAINT [fk_reservation_budgets_budgets_budget_id] FOREIGN KEY ([budget_id]) REFERENCES [budgets] ([id]) ON DELETE NO ACTION,
        CONSTRAINT [fk_reservation_budgets_reservations_reservation_id] FOREIGN KEY ([reservation_id]) REFERENCES [reservations] ([id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203161544_Budgets'
)
BEGIN
    CREATE INDEX [ix_budgets_account_id] ON [budgets] ([account_id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203161544_Budgets'
)
BEGIN
    CREATE INDEX [ix_budgets_api_key_id] ON [budgets] ([api_key_id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203161544_Budgets'
)
BEGIN
    CREATE INDEX [ix_reservation_budgets_budget_id_period_start] ON [reservation_budgets] ([budget_id], [period_start]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261203161544_Budgets'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([migration_id], [product_version])
    VALUES (N'20261203161544_Budgets', N'10.0.14');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261204091538_AdminAuditRequestId'
)
BEGIN
    ALTER TABLE [admin_audit_log] ADD [request_id] uniqueidentifier NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261204091538_AdminAuditRequestId'
)
BEGIN
    EXEC(N'CREATE UNIQUE INDEX [ix_admin_audit_log_request_id] ON [admin_audit_log] ([request_id]) WHERE [request_id] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261204091538_AdminAuditRequestId'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([migration_id], [product_version])
    VALUES (N'20261204091538_AdminAuditRequestId', N'10.0.14');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261204111414_ApiKeyIdempotencyKey'
)
BEGIN
    ALTER TABLE [api_keys] ADD [idempotency_key] nvarchar(150) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261204111414_ApiKeyIdempotencyKey'
)
BEGIN
    EXEC(N'CREATE UNIQUE INDEX [ix_api_keys_account_id_idempotency_key] ON [api_keys] ([account_id], [idempotency_key]) WHERE [idempotency_key] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [migration_id] = N'20261204111414_ApiKeyIdempotencyKey'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([migration_id], [product_version])
    VALUES (N'20261204111414_ApiKeyIdempotencyKey', N'10.0.14');
END;

COMMIT;
GO

