-- A migration that fails half way: the table must not survive (one transaction per script).
CREATE TABLE half_applied (id int);
SELECT no_such_function();
