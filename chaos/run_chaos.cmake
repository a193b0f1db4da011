# CTest driver of a chaos run (chaos_short, balancer_rolling_restart): reads the fixture's
# PostgreSQL URL and runs boxoffice-chaos with ARGS (a ;-list) on it.
if(DEFINED HAPROXY AND NOT EXISTS "${HAPROXY}")
  message(FATAL_ERROR "haproxy not found (${HAPROXY}): run scripts/install-deps.sh")
endif()
file(READ ${URL_FILE} url)
string(STRIP "${url}" url)
execute_process(
  COMMAND ${CHAOS} --boxoffice ${BOXOFFICE} --database ${url} --out ${OUT} ${ARGS}
  RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "boxoffice-chaos failed (exit ${result}); node logs and report.json in ${OUT}")
endif()
