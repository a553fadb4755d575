FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MEDIA_ROOT=/app/media
WORKDIR /app

COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock

COPY . .
# /app/media exists in the image, owned by the app's user: a named volume mounted there
# (docker-compose.yml's media, shared by web and worker) starts with that owner, so the worker
# may write report drafts into it.
RUN DEBUG=1 python manage.py collectstatic --noinput --verbosity 0 \
    && mkdir -p /app/media \
    && useradd --system --uid 1000 isecg && chown -R isecg /app
USER isecg

EXPOSE 8000
CMD ["gunicorn", "isecg_tracker.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
