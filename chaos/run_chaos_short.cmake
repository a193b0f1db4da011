# CTest driver of chaos_short: reads the fixture's PostgreSQL URL, runs a short chaos run.
file(READ ${URL_FILE} url)
string(STRIP "${url}" url)
execute_process(
  COMMAND ${CHAOS} --boxoffice ${BOXOFFICE} --database ${url} --nodes 3 --out ${OUT}
          --duration 50s --clients 6 --users 60 --seats 200 --schedules 2 --rate 150
          --fault-every 15s --faults kill,stop --fault-count 2 --freeze 3s
          --queue-max-active 20 --hold-ttl 10s --token-ttl 20s --seed 7
  RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "boxoffice-chaos failed (exit ${result}); node logs and report.json in ${OUT}")
endif()
