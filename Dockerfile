FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock

COPY . .
RUN DEBUG=1 python manage.py collectstatic --noinput --verbosity 0 \
    && useradd --system --uid 1000 isecg && chown -R isecg /app
USER isecg

EXPOSE 8000
CMD ["gunicorn", "isecg_tracker.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
