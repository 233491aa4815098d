-- Un examen porte sur les points d'un programme (CMA ou CCI) ; NULL : tous les points
-- (examens passés avant que les deux programmes existent).
ALTER TABLE quiz_tentative ADD COLUMN programme TEXT;
