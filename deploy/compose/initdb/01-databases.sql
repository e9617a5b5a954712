-- One database per subgraph (DESIGN §1); each service migrates its own at start.
CREATE DATABASE platform_identity;
CREATE DATABASE platform_tenancy;
CREATE DATABASE platform_wallet;
CREATE DATABASE platform_catalog;
CREATE DATABASE platform_vms;
CREATE DATABASE platform_billing;
