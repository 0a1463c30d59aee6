DROP TABLE assessment_activities;
DROP TABLE assessments;
DROP TABLE contract_actuals;
DROP TABLE contract_periods;
DROP TABLE contract_kpis;
DROP TABLE contracts;
