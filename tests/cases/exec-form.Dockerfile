# case: exec-form RUN with sh -c is read as shell; other exec forms are not
# profile: non-root
FROM debian:13-slim
# expect: HT106
RUN ["/bin/sh", "-c", "sudo make install"]
RUN ["echo", "sudo | sh"]
USER 10001
