-- Databases and service accounts of the platform. Idempotent: mysql.sh applies it on every start,
-- so a changed password (PRODUCT_DB_PASSWORD / ORDER_DB_PASSWORD) takes effect on the next start.
--
-- {{...}} placeholders are substituted by mysql.sh (render_bootstrap_sql): user names are validated
-- to [A-Za-z0-9_], passwords are escaped for a single-quoted string literal. Before this file,
-- mysql.sh drops anonymous accounts and other-host variants of the service accounts, which would
-- otherwise shadow the '%' accounts below.
--
-- Portable on purpose (MariaDB 10.4+ and MySQL 8), so it also works against an external server.
--
-- Database names in GRANT are patterns in which '_' is a wildcard, hence the escaped '\_':
-- `product\_db` means exactly product_db, `product\_db\_test\_%` means product_db_test_<anything>
-- (throw-away databases that the service's tests create and drop themselves); `product\_db\_perf`
-- is the database of performance runs (`npm run perf`), recreated by each run.

-- Fixed session sql_mode, so the quoting rules the escaping relies on hold whatever the server's
-- default is (in particular: no NO_BACKSLASH_ESCAPES, no ANSI_QUOTES).
SET SESSION sql_mode = 'STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION';

CREATE DATABASE IF NOT EXISTS `product_db` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
ALTER DATABASE `product_db` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE DATABASE IF NOT EXISTS `order_db` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
ALTER DATABASE `order_db` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- product-service: its own database and its own test databases, nothing else.
CREATE USER IF NOT EXISTS '{{PRODUCT_DB_USER}}'@'%' IDENTIFIED BY '{{PRODUCT_DB_PASSWORD}}';
ALTER USER '{{PRODUCT_DB_USER}}'@'%' IDENTIFIED BY '{{PRODUCT_DB_PASSWORD}}';
GRANT ALL PRIVILEGES ON `product\_db`.* TO '{{PRODUCT_DB_USER}}'@'%';
GRANT ALL PRIVILEGES ON `product\_db\_test\_%`.* TO '{{PRODUCT_DB_USER}}'@'%';
GRANT ALL PRIVILEGES ON `product\_db\_perf`.* TO '{{PRODUCT_DB_USER}}'@'%';

-- order-service: its own database and its own test databases, nothing else.
CREATE USER IF NOT EXISTS '{{ORDER_DB_USER}}'@'%' IDENTIFIED BY '{{ORDER_DB_PASSWORD}}';
ALTER USER '{{ORDER_DB_USER}}'@'%' IDENTIFIED BY '{{ORDER_DB_PASSWORD}}';
GRANT ALL PRIVILEGES ON `order\_db`.* TO '{{ORDER_DB_USER}}'@'%';
GRANT ALL PRIVILEGES ON `order\_db\_test\_%`.* TO '{{ORDER_DB_USER}}'@'%';
GRANT ALL PRIVILEGES ON `order\_db\_perf`.* TO '{{ORDER_DB_USER}}'@'%';
