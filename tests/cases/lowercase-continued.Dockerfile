# case: lowercase instructions and a continued USER line
# profile: root
from alpine:3.22 as runtime
run apk add --no-cache \
    curl
# expect: HT101
user \
    root
