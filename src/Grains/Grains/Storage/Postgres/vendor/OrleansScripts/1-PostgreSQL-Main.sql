-- From dotnet/orleans (MIT License), src/AdoNet/Shared/PostgreSQL-Main.sql: the table of queries the
-- Orleans ADO.NET providers read at start-up. Shipped unchanged as data; see README.md beside this file.

-- This table defines Orleans operational queries. Orleans uses these to manage its operations,
-- these are the only queries Orleans issues to the database.
-- These can be redefined (e.g. to provide non-destructive updates) provided the stated interface principles hold.
CREATE TABLE OrleansQuery
(
    QueryKey varchar(64) NOT NULL,
    QueryText varchar(8000) NOT NULL,

    CONSTRAINT OrleansQuery_Key PRIMARY KEY(QueryKey)
);
