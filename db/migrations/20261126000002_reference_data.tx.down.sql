DELETE FROM benefit_schemes;
DELETE FROM provinces;
