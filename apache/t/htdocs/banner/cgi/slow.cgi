#!/bin/sh
# a page from an application that writes it in pieces with pauses: the
# banner filter finds the pipe empty (EAGAIN), sends what it has and waits
printf 'Content-Type: text/html\r\n\r\n'
printf '<html><head><title>t</title></head><bo'
sleep 0.3
printf 'dy class="x"><p>content</p></bo'
sleep 0.3
printf 'dy></html>'
