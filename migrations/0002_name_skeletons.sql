-- gemwiki schema, version 2 (issue 11). Append-only once released.
-- accounts.name_key now holds the case-folded UTS #39 confusable skeleton of the name
-- (wiki::user_name::key), so look-alike names (Cyrillic "аlice", fullwidth "ａｌｉｃｅ") share
-- a key and cannot both be registered. SQL cannot compute skeletons: the hook registered
-- with this file in src/store/migrations.rs rewrites every existing key. Where two existing
-- accounts now share a key, both are kept: the older (lower id) gets the key, each later one
-- gets "<key>#<id>" ('#' is never part of a name), so no new look-alike of either can be
-- registered and both stay reachable by their exact names.
SELECT 1;
