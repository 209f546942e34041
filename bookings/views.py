from django.shortcuts import render


def consultation_request(request):
    return render(request, "bookings/consultation_request.html")
